/**
 * The inference commands of c4j (embed, index, classify, evaluate), which the deployment jar carries; registered
 * as CliCommand services.
 */
package org.contrastive4j.inference.cli;
