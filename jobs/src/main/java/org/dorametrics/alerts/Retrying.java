package org.dorametrics.alerts;

import java.time.Duration;
import java.util.Optional;

/** Tries a delivery up to {@code attempts} times, waiting {@code backoff}, then twice that, and so on, between tries. */
final class Retrying {
    /** Waits between tries; tests record the waits instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** One delivery attempt. */
    interface Attempt {
        void run() throws Exception;
    }

    private final int attempts;
    private final Duration backoff;
    private final Sleeper sleeper;

    Retrying(int attempts, Duration backoff, Sleeper sleeper) {
        this.attempts = attempts;
        this.backoff = backoff;
        this.sleeper = sleeper;
    }

    /** Empty when a try succeeded, else the last failure's description (never thrown: a failing notifier never stops the run). */
    Optional<String> run(Attempt attempt) {
        String failure = null;
        Duration wait = backoff;
        for (int i = 1; i <= attempts; i++) {
            try {
                attempt.run();
                return Optional.empty();
            } catch (Exception e) {
                failure = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            }
            if (i < attempts) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of(failure + " (interrupted)");
                }
                wait = wait.multipliedBy(2);
            }
        }
        return Optional.of(failure + " after " + attempts + (attempts == 1 ? " attempt" : " attempts"));
    }
}
