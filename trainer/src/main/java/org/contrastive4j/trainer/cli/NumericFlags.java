package org.contrastive4j.trainer.cli;

import org.apache.commons.cli.CommandLine;
import org.contrastive4j.core.cli.CliException;

/** Whole-number flags of the commands that do not go through {@code TrainOptions}: parsed and range-checked by name. */
final class NumericFlags {

    private NumericFlags() {}

    /** {@code --name}'s value, or {@code defaultValue} when absent; refused when not a whole number or below {@code min}. */
    static int intValue(CommandLine line, String name, int defaultValue, int min) throws CliException {
        if (!line.hasOption(name)) {
            return defaultValue;
        }
        String text = line.getOptionValue(name).trim();
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + ": '" + text + "' is not a whole number");
        }
        if (v < min) {
            throw new CliException("--" + name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    static long longValue(CommandLine line, String name, long defaultValue) throws CliException {
        if (!line.hasOption(name)) {
            return defaultValue;
        }
        String text = line.getOptionValue(name).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + ": '" + text + "' is not a whole number");
        }
    }
}
