package org.contrastive4j.trainer;

import java.nio.file.Path;

/** A second process that claims a run directory, says so, and holds it until its stdin closes. */
public final class HoldRunDirectory {

    private HoldRunDirectory() {}

    public static void main(String[] args) throws Exception {
        try (RunDirectory held = RunDirectory.claim(Path.of(args[0]), RunDirectory.Use.NEW)) {
            System.out.println("holding " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
