package org.contrastive4j.trainer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.contrastive4j.trainer.optim.LrSchedule;

/**
 * Where a run stands, as saved in every checkpoint's {@value #ENTRY}: the optimizer steps done, the epoch, the
 * schedule, the running loss of the epoch in progress (so a mid-epoch resume reports the same {@code train_loss} as
 * an uninterrupted run) and, when a checkpoint was written at an epoch end before that epoch's evaluation, the epoch
 * line still to be logged. One writer ({@link #toBytes}) and one reader ({@link #read}).
 *
 * <p>Checkpoints of format 1 have no running loss and no pending epoch; they read as an empty sum and none.
 *
 * @param globalStep optimizer steps done
 * @param epoch the epoch (from 1) the last step belonged to
 * @param stepsPerEpoch the sampler's steps per epoch (a resumed run must have the same)
 * @param optimizer the optimizer's name
 * @param schedule the learning-rate schedule in force
 * @param seed the run's seed
 * @param epochLossSum sum of the batch losses of the current epoch's steps so far
 * @param epochLossCount how many steps that sum holds
 * @param pendingEpoch the epoch line not yet logged (the checkpoint came first), or null
 */
public record TrainerState(long globalStep, int epoch, int stepsPerEpoch, String optimizer, LrSchedule schedule, long seed,
        double epochLossSum, int epochLossCount, PendingEpoch pendingEpoch) {

    /** The checkpoint entry that holds this state. */
    public static final String ENTRY = "trainer_state.json";
    /** The checkpoint entry that holds the optimizer's state (an encoded NDList). */
    public static final String OPTIMIZER_ENTRY = "optimizer.ndlist";
    /** The run's configuration, kept in every checkpoint as well. */
    public static final String CONFIG_ENTRY = "config.json";

    private static final String RNG = "counter-based: batch order and augmentation are functions of (seed, epoch, step, "
            + "sample, view)";

    /**
     * An epoch whose checkpoint is written but whose metrics line (and evaluation, if due) is not: a run killed
     * during that evaluation resumes by finishing it instead of repeating the epoch.
     */
    public record PendingEpoch(int epoch, double trainLoss, double repulsionMean, double repulsionFraction, boolean evaluate) {}

    public byte[] toBytes() {
        JsonObject s = new JsonObject();
        s.addProperty("global_step", globalStep);
        s.addProperty("epoch", epoch);
        s.addProperty("steps_per_epoch", stepsPerEpoch);
        s.addProperty("optimizer", optimizer);
        s.addProperty("lr_schedule", TrainConfig.GSON.toJson(schedule));
        s.addProperty("seed", seed);
        s.addProperty("rng", RNG);
        s.addProperty("epoch_loss_sum", epochLossSum);
        s.addProperty("epoch_loss_count", epochLossCount);
        if (pendingEpoch != null) {
            JsonObject p = new JsonObject();
            p.addProperty("epoch", pendingEpoch.epoch());
            p.addProperty("train_loss", pendingEpoch.trainLoss());
            // NaN (no repulsion for self-supervised losses) is not JSON: absent means NaN
            if (Double.isFinite(pendingEpoch.repulsionMean())) {
                p.addProperty("repulsion_mean", pendingEpoch.repulsionMean());
            }
            if (Double.isFinite(pendingEpoch.repulsionFraction())) {
                p.addProperty("repulsion_fraction", pendingEpoch.repulsionFraction());
            }
            p.addProperty("evaluate", pendingEpoch.evaluate());
            s.add("pending_epoch", p);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the state saved in {@code checkpoint}; every missing or mistyped field is an error naming it. */
    public static TrainerState read(byte[] bytes, Path checkpoint) {
        String where = checkpoint + ": " + ENTRY;
        JsonObject s;
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(where + " is not a JSON object");
            }
            s = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + " is not valid JSON (" + e.getMessage() + ")");
        }
        LrSchedule schedule;
        try {
            schedule = TrainConfig.GSON.fromJson(string(s, "lr_schedule", where), LrSchedule.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": lr_schedule is not a schedule (" + e.getMessage() + ")");
        }
        PendingEpoch pending = null;
        if (s.has("pending_epoch")) {
            if (!s.get("pending_epoch").isJsonObject()) {
                throw new IllegalArgumentException(where + ": pending_epoch must be an object");
            }
            JsonObject p = s.getAsJsonObject("pending_epoch");
            String w = where + ": pending_epoch";
            pending = new PendingEpoch((int) number(p, "epoch", w, true), number(p, "train_loss", w, true),
                    p.has("repulsion_mean") ? number(p, "repulsion_mean", w, true) : Double.NaN,
                    p.has("repulsion_fraction") ? number(p, "repulsion_fraction", w, true) : Double.NaN,
                    bool(p, "evaluate", w));
        }
        return new TrainerState((long) number(s, "global_step", where, true), (int) number(s, "epoch", where, true),
                (int) number(s, "steps_per_epoch", where, true), string(s, "optimizer", where), schedule,
                (long) number(s, "seed", where, true), number(s, "epoch_loss_sum", where, false),
                (int) number(s, "epoch_loss_count", where, false), pending);
    }

    private static double number(JsonObject o, String key, String where, boolean required) {
        JsonElement e = o.get(key);
        if (e == null) {
            if (required) {
                throw new IllegalArgumentException(where + " has no " + key);
            }
            return 0;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    private static String string(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a string");
        }
        return e.getAsString();
    }

    private static boolean bool(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException(where + ": " + key + " must be true or false");
        }
        return e.getAsBoolean();
    }
}
