package org.contrastive4j.trainer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress: a single redrawn bar on a terminal, or a plain log line every few seconds otherwise (CI,
 * files), with epoch, step, images per second, loss and ETA.
 */
public final class Progress {

    private final PrintStream out;
    private final boolean terminal;
    private final long totalSteps;
    private final int stepsPerEpoch;
    private final long startNanos = System.nanoTime();
    private final long firstStep;
    private long lastPrint;
    private double emaLoss = Double.NaN;
    private double emaRate = Double.NaN;

    public Progress(PrintStream out, boolean terminal, long totalSteps, int stepsPerEpoch, long firstStep) {
        this.out = out;
        this.terminal = terminal;
        this.totalSteps = totalSteps;
        this.stepsPerEpoch = stepsPerEpoch;
        this.firstStep = firstStep;
    }

    public static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    public void step(long globalStep, int epoch, double loss, double imagesPerSecond) {
        emaLoss = Double.isNaN(emaLoss) ? loss : 0.9 * emaLoss + 0.1 * loss;
        emaRate = Double.isNaN(emaRate) ? imagesPerSecond : 0.9 * emaRate + 0.1 * imagesPerSecond;
        long now = System.nanoTime();
        long done = globalStep - firstStep;
        boolean last = globalStep >= totalSteps;
        if (!last && now - lastPrint < (terminal ? 200_000_000L : 10_000_000_000L)) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - startNanos) / 1e9;
        double eta = done > 0 ? elapsed / done * (totalSteps - globalStep) : Double.NaN;
        int stepInEpoch = (int) ((globalStep - 1) % stepsPerEpoch) + 1;
        String stats = String.format(Locale.ROOT, "epoch %d step %d/%d | %.0f img/s | loss %.4f | ETA %s", epoch,
                stepInEpoch, stepsPerEpoch, emaRate, emaLoss, format(eta));
        if (terminal) {
            int width = 24;
            int filled = (int) Math.round(width * (double) globalStep / totalSteps);
            out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + stats + "   ");
            if (last) {
                out.println();
            }
        } else {
            out.printf(Locale.ROOT, "step %d/%d (%.0f%%) %s%n", globalStep, totalSteps, 100.0 * globalStep / totalSteps, stats);
        }
        out.flush();
    }

    /** Ends the bar's line before other output is printed. */
    public void breakLine() {
        if (terminal) {
            out.println();
        }
    }

    static String format(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
