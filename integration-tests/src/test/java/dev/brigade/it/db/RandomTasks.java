package dev.brigade.it.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Many small tasks on randomly overlapping resources: each brigade.record, exclusive on 0-2 and
 * shared on 0-2 distinct resources out of {@code resources}, named under {@code namespace} so the
 * tests of one class (one database) do not meet.
 */
public final class RandomTasks {
    private RandomTasks() {
    }

    /** Each handler runs between {@code minMs} and {@code maxMs} milliseconds. */
    public static List<TaskSpec> recorded(Random random, int count, int resources, String namespace, int minMs, int maxMs) {
        List<String> names = new ArrayList<>();
        for (int r = 0; r < resources; r++) {
            names.add("resource:" + namespace + ":" + r);
        }
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> pool = new ArrayList<>(names);
            Collections.shuffle(pool, random);
            int exclusive = random.nextInt(3);
            int shared = random.nextInt(3);
            int ms = minMs + random.nextInt(maxMs - minMs + 1);
            specs.add(TaskSpec.recorded(ms).resources(pool.subList(0, exclusive), pool.subList(exclusive, exclusive + shared)));
        }
        return specs;
    }
}
