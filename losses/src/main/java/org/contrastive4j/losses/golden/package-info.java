/**
 * Golden-file checks: reading a contrastive-loss-golden file (GoldenFile) and comparing every loss and gradient
 * against it in float64 and float32 (GoldenCheck).
 */
package org.contrastive4j.losses.golden;
