package org.contrastive4j.trainer.cli;

/** Settings DJL's PyTorch engine reads once, at start-up, so they must be set before the first DJL call. */
final class EngineSetup {

    private EngineSetup() {}

    /** PyTorch's intra-op threads ({@code 0} = all cores); validated with the rest of the configuration. */
    static void threads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0 = all cores), got " + threads);
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
