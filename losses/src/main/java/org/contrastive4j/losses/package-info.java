/**
 * Contrastive losses on DJL NDArrays, one small class per loss (NtXent, SupCon, Sincere, Cacr, Mio) over shared
 * pieces (LossOps, TemperatureScaledLoss, the Temperature strategies including DySTreSS), the LossRegistry of
 * names and typed parameters, and the RepulsionMeter.
 */
package org.contrastive4j.losses;
