package org.contrastive4j.core.contract;

/** A field of a run's JSON files ({@code summary.json}, {@code metrics.jsonl}): its persisted name. */
public interface RunField {

    /** The field's name in the file; persisted, so never renamed. */
    String json();
}
