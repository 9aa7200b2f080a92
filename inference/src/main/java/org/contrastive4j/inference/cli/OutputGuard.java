package org.contrastive4j.inference.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Refuses an output that is one of the command's inputs, before anything is read or written, naming both flags; the
 * check itself is {@link AtomicFiles#wouldOverwrite} (file identity and real location), shared with the trainer.
 */
final class OutputGuard {

    /** The flags that name files a command reads. */
    static final List<String> INPUT_FLAGS = List.of("model", "input", "labels", "index");

    private OutputGuard() {}

    /**
     * @param flag the output flag, for the message
     * @param outputs every file the command will write for it (e.g. an NPY file and its sidecars)
     * @throws CliException naming both flags and the file when an output is an input
     */
    static void refuseInputs(CommandLine line, String flag, List<Path> outputs) throws IOException {
        for (String in : INPUT_FLAGS) {
            if (line.hasOption(in)) {
                refuse(flag, outputs, Map.of(in, Path.of(line.getOptionValue(in))));
            }
        }
    }

    static void refuse(String flag, List<Path> outputs, Map<String, Path> inputs) throws IOException {
        for (Path out : outputs) {
            for (Map.Entry<String, Path> in : inputs.entrySet()) {
                if (same(out, in.getValue())) {
                    throw new CliException("--" + flag + " " + out + " is the same file as --" + in.getKey() + " "
                            + in.getValue() + "; refusing to overwrite an input (choose another output path)");
                }
            }
        }
    }

    static boolean same(Path output, Path input) throws IOException {
        return AtomicFiles.wouldOverwrite(output, input);
    }
}
