package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.ImageFolder;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.TestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New images as they come: a flat folder, one file, several files, a glob and a list file, each row with its id. */
class InputFormsCliTest {

    @TempDir
    Path tmp;

    private Path folder;

    private record Run(int code, String out, String err) {}

    private static Run cli(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].toString();
        }
        int code = C4j.run(a, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Four Fashion-MNIST test images as PNGs in a flat folder {@code new/} (no class subfolders). */
    @BeforeEach
    void images() throws Exception {
        Samples s = FashionMnist.load(FashionMnist.subsetDir(), "test").head(4);
        folder = Files.createDirectories(tmp.resolve("new"));
        String[] names = {"d.png", "a.png", "c.png", "b.png"};
        for (int i = 0; i < 4; i++) {
            ImageIO.write(ImageFolder.toImage(s.values(), i * 784, 1, 28, 28), "png", folder.resolve(names[i]).toFile());
        }
    }

    /** The (id, class name) of each JSONL line classify printed. */
    private static List<String[]> predictions(Run r) {
        assertEquals(0, r.code(), r.err());
        return r.out().lines().map(l -> {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            return new String[] {o.get("id").getAsString(), o.get("class_name").getAsString()};
        }).toList();
    }

    @Test
    void classifyTakesAFlatFolderAFileSeveralFilesAGlobAndAList() throws Exception {
        Path model = TestModels.toolkit();
        List<String[]> flat = predictions(cli("classify", "--model", model, "--input", folder));
        assertEquals(List.of("a.png", "b.png", "c.png", "d.png"), flat.stream().map(p -> p[0]).toList());

        String a = folder.resolve("a.png").toString();
        String c = folder.resolve("c.png").toString();
        List<String[]> one = predictions(cli("classify", "--model", model, "--input", c));
        assertEquals(List.of(c), one.stream().map(p -> p[0]).toList());
        assertEquals(flat.get(2)[1], one.get(0)[1], "the same image gets the same class however it is named");

        List<String[]> several = predictions(cli("classify", "--model", model, "--input", c, a));
        assertEquals(List.of(c, a), several.stream().map(p -> p[0]).toList());
        assertEquals(flat.get(0)[1], several.get(1)[1]);

        List<String[]> glob = predictions(cli("classify", "--model", model, "--input", folder + "/[ab].png"));
        assertEquals(List.of(folder + "/a.png", folder + "/b.png"), glob.stream().map(p -> p[0]).toList());

        Path list = Files.writeString(tmp.resolve("batch.txt"), "new/d.png\n# skipped\nnew/b.png\n");
        List<String[]> listed = predictions(cli("classify", "--model", model, "--input", list));
        assertEquals(List.of("new/d.png", "new/b.png"), listed.stream().map(p -> p[0]).toList());
        assertEquals(flat.get(3)[1], listed.get(0)[1]);

        Run embed = cli("embed", "--model", model, "--input", a);
        assertEquals(0, embed.code(), embed.err());
        List<String> rows = embed.out().lines().toList();
        assertEquals(2, rows.size(), embed.out());
        assertTrue(rows.get(0).startsWith("id,") && rows.get(1).startsWith(a + ","), embed.out());
    }

    @Test
    void anUnreadableImageStopsWithItsNameOrIsSkippedWhenAsked() throws Exception {
        Files.writeString(folder.resolve("e.png"), "not a png");
        Run fails = cli("classify", "--model", TestModels.toolkit(), "--input", folder);
        assertNotEquals(0, fails.code());
        assertEquals(1, fails.err().lines().count(), fails.err());
        assertTrue(fails.err().contains("e.png") && fails.err().contains("unreadable"), fails.err());
        List<String[]> skipped = predictions(cli("classify", "--model", TestModels.toolkit(), "--input", folder,
                "--skip-unreadable"));
        assertEquals(List.of("a.png", "b.png", "c.png", "d.png"), skipped.stream().map(p -> p[0]).toList());
        Run missing = cli("classify", "--model", TestModels.toolkit(), "--input", folder.resolve("zz.png"));
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("zz.png"), missing.err());
    }
}
