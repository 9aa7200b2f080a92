package org.contrastive4j.models.weights;

import java.io.IOException;
import java.nio.file.Path;

/** A weight file that cannot be read or does not fit the model; the message is one line that starts with the file. */
public final class WeightsException extends IOException {

    public WeightsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public WeightsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
