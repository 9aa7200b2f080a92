import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Generates a photo-like image-folder dataset for the streaming benchmark (no dependency beyond the JDK; run it with
 * {@code java scripts/MakePhotoDataset.java OUT [--train N] [--test M] [--seed S]}):
 * {@code OUT/train/<class>/*.jpg|png} and {@code OUT/test/<class>/*.jpg|png}.
 *
 * <p>Ten learnable classes, one shape each (disc, square, triangle, cross, ring, horizontal / vertical / diagonal
 * stripes, checkerboard, diamond), drawn at a random position, scale and rotation in random foreground and background
 * colours on a noisy gradient. Images are of mixed sizes (each side 120-640 px, so aspect ratios from about 1:5 to 5:1)
 * and mixed modes: about 70% RGB JPEG, 15% RGB PNG, 7% 8-bit gray PNG, 3% 16-bit gray PNG, 3% RGBA PNG, 2% palette
 * PNG. Every image is a function of (seed, split, index), so the dataset is the same on every machine; the class is
 * {@code index % 10}.
 */
public final class MakePhotoDataset {

    static final String[] CLASSES = {"disc", "square", "triangle", "cross", "ring", "hstripes", "vstripes", "dstripes",
        "checker", "diamond"};

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java scripts/MakePhotoDataset.java OUT [--train N] [--test M] [--seed S]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int train = 16_000;
        int test = 4_000;
        long seed = 42;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--train" -> train = Integer.parseInt(args[i + 1]);
                case "--test" -> test = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String split : new String[] {"train", "test"}) {
            for (String c : CLASSES) {
                Files.createDirectories(out.resolve(split).resolve(c));
            }
        }
        long t0 = System.nanoTime();
        generate(out, "train", train, seed);
        generate(out, "test", test, seed + 1_000_003);
        System.out.printf(Locale.ROOT, "wrote %d train + %d test images to %s in %.0f s%n", train, test, out,
                (System.nanoTime() - t0) / 1e9);
    }

    static void generate(Path out, String split, int n, long seed) {
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, n).parallel().forEach(i -> {
            try {
                write(out.resolve(split), i, new SplittableRandom(seed * 1_000_003L + i));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            int d = done.incrementAndGet();
            if (d % 2000 == 0) {
                System.out.printf(Locale.ROOT, "%s: %d / %d%n", split, d, n);
            }
        });
    }

    static void write(Path dir, int index, SplittableRandom r) throws IOException {
        int cls = index % CLASSES.length;
        int w = 120 + r.nextInt(521);
        int h = 120 + r.nextInt(521);
        BufferedImage rgb = draw(cls, w, h, r);
        double mode = r.nextDouble();
        String name = String.format(Locale.ROOT, "%06d", index);
        Path folder = dir.resolve(CLASSES[cls]);
        if (mode < 0.70) {
            ImageIO.write(rgb, "jpg", folder.resolve(name + ".jpg").toFile());
        } else if (mode < 0.85) {
            ImageIO.write(rgb, "png", folder.resolve(name + ".png").toFile());
        } else if (mode < 0.92) {
            ImageIO.write(convert(rgb, BufferedImage.TYPE_BYTE_GRAY), "png", folder.resolve(name + ".png").toFile());
        } else if (mode < 0.95) {
            ImageIO.write(gray16(rgb), "png", folder.resolve(name + ".png").toFile());
        } else if (mode < 0.98) {
            BufferedImage rgba = convert(rgb, BufferedImage.TYPE_INT_ARGB);
            int alpha = 128 + r.nextInt(128);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgba.setRGB(x, y, (rgba.getRGB(x, y) & 0xFFFFFF) | alpha << 24);
                }
            }
            ImageIO.write(rgba, "png", folder.resolve(name + ".png").toFile());
        } else {
            ImageIO.write(convert(rgb, BufferedImage.TYPE_BYTE_INDEXED), "png", folder.resolve(name + ".png").toFile());
        }
    }

    static Color randomColor(SplittableRandom r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }

    /** A foreground colour that differs clearly from the background in luma, so gray copies keep the shape. */
    static Color contrasting(Color bg, SplittableRandom r) {
        double bgLuma = luma(bg);
        for (int attempt = 0; attempt < 50; attempt++) {
            Color c = randomColor(r);
            if (Math.abs(luma(c) - bgLuma) > 70) {
                return c;
            }
        }
        return bgLuma > 128 ? Color.BLACK : Color.WHITE;
    }

    static double luma(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    static BufferedImage draw(int cls, int w, int h, SplittableRandom r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color bg = randomColor(r);
        Color bg2 = new Color(clamp(bg.getRed() + r.nextInt(81) - 40), clamp(bg.getGreen() + r.nextInt(81) - 40),
                clamp(bg.getBlue() + r.nextInt(81) - 40));
        g.setPaint(new GradientPaint(0, 0, bg, w, h, bg2));
        g.fillRect(0, 0, w, h);
        Color fg = contrasting(bg, r);
        g.setColor(fg);
        int m = Math.min(w, h);
        // The shape covers 45-80% of the shorter side, centred within the middle 40% of the image so that a centre
        // crop of any aspect keeps most of it.
        double size = m * (0.45 + 0.35 * r.nextDouble());
        double cx = w * (0.3 + 0.4 * r.nextDouble());
        double cy = h * (0.3 + 0.4 * r.nextDouble());
        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(cls >= 5 && cls <= 7 ? 0 : (r.nextDouble() - 0.5) * 0.6);
        g.transform(at);
        int s = (int) size;
        int half = s / 2;
        switch (cls) {
            case 0 -> g.fillOval(-half, -half, s, s);
            case 1 -> g.fillRect(-half, -half, s, s);
            case 2 -> g.fillPolygon(new Polygon(new int[] {0, half, -half}, new int[] {-half, half, half}, 3));
            case 3 -> {
                g.fillRect(-half, -s / 8, s, s / 4);
                g.fillRect(-s / 8, -half, s / 4, s);
            }
            case 4 -> {
                g.setStroke(new BasicStroke(Math.max(3f, s / 7f)));
                g.drawOval(-half, -half, s, s);
            }
            case 5, 6, 7 -> {
                g.setTransform(new AffineTransform());
                int period = Math.max(8, m / (5 + r.nextInt(5)));
                g.setStroke(new BasicStroke(period / 2f));
                for (int k = -Math.max(w, h); k < 2 * Math.max(w, h); k += period) {
                    if (cls == 5) {
                        g.drawLine(0, k, w, k);
                    } else if (cls == 6) {
                        g.drawLine(k, 0, k, h);
                    } else {
                        g.drawLine(k, 0, k - h, h);
                    }
                }
            }
            case 8 -> {
                g.setTransform(new AffineTransform());
                int cell = Math.max(8, m / (4 + r.nextInt(5)));
                for (int y = 0; y < h; y += cell) {
                    for (int x = 0; x < w; x += cell) {
                        if (((x / cell) + (y / cell)) % 2 == 0) {
                            g.fillRect(x, y, cell, cell);
                        }
                    }
                }
            }
            default -> g.fillPolygon(new Polygon(new int[] {0, half, 0, -half}, new int[] {-half, 0, half, 0}, 4));
        }
        g.dispose();
        addNoise(img, r, 6 + r.nextInt(10));
        return img;
    }

    static void addNoise(BufferedImage img, SplittableRandom r, int amplitude) {
        WritableRaster raster = img.getRaster();
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = new int[3 * w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int i = 0; i < px.length; i++) {
                px[i] = clamp(px[i] + r.nextInt(2 * amplitude + 1) - amplitude);
            }
            raster.setPixels(0, y, w, 1, px);
        }
    }

    static BufferedImage convert(BufferedImage src, int type) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    static BufferedImage gray16(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = src.getRGB(x, y);
                double l = 0.299 * (p >> 16 & 0xFF) + 0.587 * (p >> 8 & 0xFF) + 0.114 * (p & 0xFF);
                row[x] = (int) Math.round(l * 257);
            }
            raster.setSamples(0, y, w, 1, 0, row);
        }
        return out;
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
