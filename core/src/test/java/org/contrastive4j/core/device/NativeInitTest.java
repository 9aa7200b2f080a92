package org.contrastive4j.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class NativeInitTest {

    /** Recursion depth a stack allows: 16 MiB holds far more frames than the 1 MiB default thread of this test. */
    private static int depth(int d) {
        try {
            return depth(d + 1);
        } catch (StackOverflowError e) {
            return d;
        }
    }

    @Test
    void runsOnItsOwnThreadWithALargerStackAndReturnsTheResult() {
        Thread caller = Thread.currentThread();
        Thread ran = NativeInit.onLargeStack("init-test", Thread::currentThread);
        assertNotSame(caller, ran);
        assertEquals("init-test", ran.getName());
        int here = depth(0);
        int there = NativeInit.onLargeStack("depth", () -> depth(0));
        assertTrue(there > 4 * here, "frames on the large stack " + there + " vs here " + here);
    }

    @Test
    void failuresReachTheCaller() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeInit.onLargeStack("x", () -> {
                    throw new IllegalArgumentException("bad");
                }));
        assertEquals("bad", e.getMessage());
        IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                () -> NativeInit.onLargeStack("y", () -> {
                    throw new IOException("io");
                }));
        assertTrue(wrapped.getCause() instanceof IOException);
    }

    @Test
    void onceStartsOnceAndRetriesAfterAFailure() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<Object> s = NativeInit.once("once", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first start fails");
            }
            return new Object();
        });
        assertThrows(IllegalStateException.class, s::get);
        Object a = s.get();
        assertSame(a, s.get());
        assertEquals(2, calls.get());
    }
}
