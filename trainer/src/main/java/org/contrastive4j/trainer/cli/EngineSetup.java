package org.contrastive4j.trainer.cli;

import org.contrastive4j.trainer.Trainer;

/** Settings DJL's PyTorch engine reads once, at start-up, so they must be set before the first DJL call. */
final class EngineSetup {

    private EngineSetup() {}

    /** PyTorch's intra-op threads ({@code 0} = all cores), as {@link Trainer#engineThreads}. */
    static void threads(int threads) {
        Trainer.engineThreads(threads);
    }
}
