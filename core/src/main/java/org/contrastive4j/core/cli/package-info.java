/**
 * The c4j command-line framework: commands discovered with ServiceLoader (CliCommand), one runner that parses
 * options, prints help and versions and turns every failure into one line on stderr (CliRunner), and the single
 * entry point C4j used by ./c4j and by the deployment jar.
 */
package org.contrastive4j.core.cli;
