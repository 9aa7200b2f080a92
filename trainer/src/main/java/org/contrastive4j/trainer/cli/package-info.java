/**
 * The training commands of c4j (demo, train, export, report, compare, golden, bench), registered as CliCommand
 * services.
 */
package org.contrastive4j.trainer.cli;
