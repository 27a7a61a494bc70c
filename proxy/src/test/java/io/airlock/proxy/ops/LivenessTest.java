package io.airlock.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /healthz's loop probe: an answering loop is healthy; a loop stuck on blocking work is named, without blocking. */
class LivenessTest {

    @Test
    void answeringLoopsAreHealthyAndAStuckOneIsNamed() throws Exception {
        DefaultEventLoop timer = new DefaultEventLoop();
        DefaultEventLoop good = new DefaultEventLoop();
        DefaultEventLoop stuck = new DefaultEventLoop();
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<EventExecutor> loops = List.of(good, stuck);
            Liveness liveness = new Liveness(() -> loops, 300);
            assertThat(liveness.check(timer).get(5, TimeUnit.SECONDS)).isNull();

            stuck.execute(() -> {
                try {
                    release.await(); // the bug /healthz exists to catch: blocking work on an event loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String problem = liveness.check(timer).get(5, TimeUnit.SECONDS);
            assertThat(problem).startsWith("event loops not answering within 300 ms").contains(stuck.toString())
                    .doesNotContain(good.toString());

            release.countDown();
            assertThat(liveness.check(timer).get(5, TimeUnit.SECONDS)).isNull();
        } finally {
            release.countDown();
            timer.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            good.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            stuck.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void beforeTheFrontStartsThereIsNothingToProbe() throws Exception {
        DefaultEventLoop timer = new DefaultEventLoop();
        try {
            assertThat(new Liveness(List::of, 300).check(timer).get(5, TimeUnit.SECONDS)).isNull();
        } finally {
            timer.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
