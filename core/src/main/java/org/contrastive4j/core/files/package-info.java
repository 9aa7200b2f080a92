/**
 * Writing files so that a reader only ever sees the old or the complete new content (AtomicFiles: temporary file
 * in the same directory, fsync, atomic rename).
 */
package org.contrastive4j.core.files;
