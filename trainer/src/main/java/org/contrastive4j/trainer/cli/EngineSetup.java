package org.contrastive4j.trainer.cli;

import org.apache.commons.cli.CommandLine;

/** Settings DJL's PyTorch engine reads once, at start-up, so they must be set before the first DJL call. */
final class EngineSetup {

    private EngineSetup() {}

    static void threads(CommandLine line) {
        String t = line.hasOption("threads") ? line.getOptionValue("threads") : null;
        if (t != null && !t.equals("0")) {
            System.setProperty("ai.djl.pytorch.num_threads", t);
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
