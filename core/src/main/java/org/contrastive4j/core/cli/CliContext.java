package org.contrastive4j.core.cli;

import java.io.PrintStream;

/**
 * What a running command may write to: results and progress on {@code out}, warnings on {@code err}. Commands never
 * touch {@code System.out}, so tests and embedding applications pass their own streams.
 *
 * @param out results and progress
 * @param err warnings (errors are printed by {@link CliRunner})
 * @param verbose whether {@code --verbose} was given
 */
public record CliContext(PrintStream out, PrintStream err, boolean verbose) {}
