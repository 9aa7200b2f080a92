package org.contrastive4j.core.device;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs the first initialisation of a native runtime on a thread with a large stack. ONNX Runtime 1.29.0 crashes the
 * JVM (SIGSEGV, no error report) when its environment is first created on a thread of the default 1 MiB stack in a
 * JVM whose command line is longer than about 4 KB — a long {@code -cp} list of jars, as Spark and IDEs build, is
 * enough. Created once on a 16 MiB thread, the environment then serves every thread.
 */
public final class NativeInit {

    /** The initialising thread's stack: 4 MiB was enough in every case tried (up to a 60 KB command line). */
    public static final long STACK_BYTES = 16L << 20;

    private NativeInit() {}

    /**
     * A supplier of {@code init}'s result, computed by the first {@link Supplier#get()} with
     * {@link #onLargeStack}, once (thread-safe; a failed start is tried again by the next call).
     */
    public static <T> Supplier<T> once(String name, Callable<T> init) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) {
                            v = onLargeStack(name, init);
                            value = v;
                        }
                    }
                }
                return v;
            }
        };
    }

    /**
     * {@code init.call()} on a new thread named {@code name} with a {@link #STACK_BYTES} stack, waiting for it; what
     * it throws is rethrown (checked exceptions wrapped in {@link IllegalStateException}).
     */
    public static <T> T onLargeStack(String name, Callable<T> init) {
        FutureTask<T> task = new FutureTask<>(init);
        Thread t = new Thread(null, task, name, STACK_BYTES);
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the start cannot be abandoned half-way: wait for it
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(name + ": " + cause.getMessage(), cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
