package org.dorametrics.testing;

import org.apache.hadoop.conf.Configuration;
import org.dorametrics.table.OutputLocation;
import org.dorametrics.table.OutputLock;

/**
 * A separate process that holds an output location's lock as a running dora would: it prints {@code locked <run id>}
 * once it has it, then sleeps until killed. Run with {@code java -cp <test classpath>}.
 */
public final class OutputLockHolder {
    private OutputLockHolder() {}

    public static void main(String[] args) throws Exception {
        try (OutputLock lock = OutputLock.acquire(OutputLocation.open(args[0], new Configuration()))) {
            System.out.println("locked " + lock.runId());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
