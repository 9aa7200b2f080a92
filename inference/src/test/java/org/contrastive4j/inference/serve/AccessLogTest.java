package org.contrastive4j.inference.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void everyLineIsWrittenInOrderOffTheCallersThreadAndCloseWritesTheRest() throws Exception {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        AccessLog log = new AccessLog(line -> {
            written.add(line);
            threads.add(Thread.currentThread().getName());
        });
        for (int i = 0; i < 1000; i++) {
            log.log("line " + i);
        }
        log.close();
        assertEquals(IntStream.range(0, 1000).mapToObj(i -> "line " + i).toList(), written);
        assertTrue(threads.stream().allMatch("c4j-serve-access-log"::equals), "written on the log's thread");
        log.log("after close");
        assertEquals("after close", written.get(1000), "a line logged after close is written by its caller");
        assertEquals(Thread.currentThread().getName(), threads.get(1000));
    }

    @Test
    void aLogSlowerThanTheRequestsMakesThemWriteTheirOwnLines() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> byCaller = Collections.synchronizedList(new ArrayList<>());
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        AccessLog log = new AccessLog(line -> {
            if (Thread.currentThread().getName().equals("c4j-serve-access-log")) {
                try {
                    release.await(30, TimeUnit.SECONDS); // the log's output is stuck
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                byCaller.add(line);
            }
            all.add(line);
        });
        // The writer takes at most one line before it is stuck on it: the queue then holds the rest.
        for (int i = 0; i < AccessLog.MAX_PENDING + 10; i++) {
            log.log("line " + i);
        }
        assertTrue(byCaller.size() >= 9 && byCaller.size() <= 10, "lines over the limit, written by their caller: " + byCaller.size());
        release.countDown();
        log.close();
        assertEquals(AccessLog.MAX_PENDING + 10, all.size(), "no line lost");
    }
}
