package org.contrastive4j.losses;

/**
 * One hyper-parameter of a registered loss, under its CLI name (e.g. {@code tau-min}).
 *
 * @param type {@code double}, {@code boolean} or {@code string}
 * @param defaultValue the value used when the parameter is not given, as text
 */
public record LossParameter(String name, String type, String defaultValue, String description) {}
