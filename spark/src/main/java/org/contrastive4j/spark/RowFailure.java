package org.contrastive4j.spark;

/**
 * A row a transformer could not process under {@code mode=FAILFAST}: one line naming the stage, the row (its id, file
 * path or position) and the reason. It fails the task, and with it the job.
 */
public final class RowFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String rowId;
    private final String reason;

    RowFailure(String stage, String rowId, String reason) {
        super(stage + ": row " + rowId + ": " + reason + " (mode PERMISSIVE writes null outputs and the reason instead)");
        this.rowId = rowId;
        this.reason = reason;
    }

    public String rowId() {
        return rowId;
    }

    public String reason() {
        return reason;
    }
}
