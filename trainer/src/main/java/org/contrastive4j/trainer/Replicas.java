package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.contrastive4j.models.EncoderBlock;

/**
 * One copy of every parameter per device, served to {@link Block#forward} as a {@link ParameterStore}. Replica 0 is the
 * block's own arrays (the master, updated by the optimizer); the others are copies made here and refreshed from the
 * master after every update. Replicas are addressed by index, not by device, so two replicas may share a device: the
 * CPU tests use that to run the multi-device code path without GPUs.
 *
 * <p>{@link #use} selects the replica that the next forward reads; DJL's own per-device store cannot be told which copy
 * to hand out, and its copies are not refreshed from an optimizer it does not run.
 */
final class Replicas extends ParameterStore implements AutoCloseable {

    private final List<Device> devices;
    private final List<Parameter> parameters = new ArrayList<>();
    /** Replica r ≥ 1: parameter id → that replica's array. Index 0 is unused (the master is the block's arrays). */
    private final List<Map<String, NDArray>> copies = new ArrayList<>();
    private final NDManager manager;
    private final EncoderBlock encoder;
    /** Ids of the backbone's parameters, whose statistics a frozen backbone keeps. */
    private final Set<String> backbone = new HashSet<>();
    private int current;

    Replicas(Block block, NDManager parent, List<Device> devices) {
        super(parent, false);
        this.devices = List.copyOf(devices);
        this.manager = parent.newSubManager(devices.get(0));
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.add(p.getValue());
        }
        this.encoder = block instanceof EncoderBlock e ? e : null;
        if (encoder != null) {
            for (Pair<String, Parameter> p : encoder.backbone().getParameters()) {
                backbone.add(p.getValue().getId());
            }
        }
        copies.add(Map.of());
        for (int r = 1; r < devices.size(); r++) {
            Map<String, NDArray> m = new HashMap<>();
            for (Parameter p : parameters) {
                m.put(p.getId(), copyOf(p, devices.get(r)));
            }
            copies.add(m);
        }
    }

    int size() {
        return devices.size();
    }

    Device device(int replica) {
        return devices.get(replica);
    }

    /** The replica that the following forwards read. */
    void use(int replica) {
        current = replica;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null) {
            return null;
        }
        NDArray a = array(current, parameter);
        if (!a.getDevice().equals(device)) {
            throw new IllegalStateException("replica " + current + " of " + parameter.getName() + " is on " + a.getDevice()
                    + " but the forward runs on " + device);
        }
        return a;
    }

    NDArray array(int replica, Parameter parameter) {
        return replica == 0 ? parameter.getArray() : copies.get(replica).get(parameter.getId());
    }

    /**
     * Parameters without gradient: BatchNorm's running mean and variance — but not a frozen backbone's, which its
     * inference-mode forward leaves alone (a weighted sum of unchanged statistics would round them).
     */
    List<Parameter> buffers() {
        boolean frozen = encoder != null && encoder.backboneFrozen();
        return parameters.stream().filter(p -> !p.requiresGradient() && !(frozen && backbone.contains(p.getId()))).toList();
    }

    /** Adds every replica's parameter gradients into the master's (the sum over shards of the whole batch). */
    void reduceGradients() {
        if (devices.size() == 1) {
            return;
        }
        try (NDManager scratch = manager.newSubManager()) {
            for (Parameter p : parameters) {
                if (!p.requiresGradient()) {
                    continue;
                }
                NDArray total = p.getArray().getGradient();
                total.attach(scratch);
                for (int r = 1; r < devices.size(); r++) {
                    NDArray g = array(r, p).getGradient();
                    g.attach(scratch);
                    NDArray moved = g.toDevice(devices.get(0), false);
                    moved.attach(scratch);
                    total.addi(moved);
                }
            }
        }
    }

    /**
     * Overwrites every replica with the master's values (parameters and running statistics). The replicas' old arrays,
     * and with them their gradients, are freed.
     */
    void syncFromMaster() {
        for (int r = 1; r < devices.size(); r++) {
            for (Parameter p : parameters) {
                NDArray fresh = copyOf(p, devices.get(r));
                NDArray replica = copies.get(r).get(p.getId());
                replica.intern(fresh);
                if (p.requiresGradient()) {
                    replica.setRequiresGradient(true);
                }
            }
        }
    }

    /** Replaces {@code target}'s contents by a copy of {@code source} (any device), keeping the Java object. */
    static void overwrite(NDArray target, NDArray source) {
        target.intern(copy(source, target.getDevice()));
    }

    /**
     * A copy of {@code source} on {@code device} that shares no storage with it. DJL's PyTorch
     * {@code toDevice(sameDevice, true)} ignores the copy flag and returns a view of the same storage, which would let
     * an in-place update (BatchNorm's running statistics, the optimizer's) reach both arrays.
     */
    static NDArray copy(NDArray source, Device device) {
        return source.getDevice().equals(device) ? source.duplicate() : source.toDevice(device, false);
    }

    private NDArray copyOf(Parameter p, Device device) {
        // Detached first: a copy must be a new leaf of its own, not a node hanging off the master's graph.
        try (NDArray detached = p.getArray().stopGradient()) {
            NDArray copy = copy(detached, device);
            copy.attach(manager);
            if (p.requiresGradient()) {
                copy.setRequiresGradient(true);
            }
            return copy;
        }
    }

    @Override
    public void close() {
        copies.clear();
        manager.close();
    }
}
