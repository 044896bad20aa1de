package io.byzerllm.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RemoteCallsTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static RemoteCalls calls() {
    RemoteCalls calls = new RemoteCalls(KIT.system().scheduler(), KIT.system().executionContext(), null, null,
        org.apache.pekko.stream.Materializer.matFromSystem(KIT.system()));
    calls.receiveAt(KIT.spawn(calls.receiver()));
    return calls;
  }

  private static Work chat() {
    return new Work.Chat(new ChatCall("r1", List.of(ChatMessage.of("user", "hi")), ChatOptions.DEFAULTS));
  }

  @Test
  void send_workerNeverAnswers_endsWithATimeoutAtTheDeadline() throws Exception {
    RemoteCalls calls = calls();
    TestProbe<WorkerActor.Command> silent = KIT.createTestProbe();

    long start = System.nanoTime();
    WorkerReply reply = calls.send(silent.ref(), chat(), Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

    assertThat(reply.failure().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(reply.failure().message()).contains("did not answer within");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void send_workerAnswers_completesWithItsReply() throws Exception {
    RemoteCalls calls = calls();
    TestProbe<WorkerActor.Command> worker = KIT.createTestProbe();

    CompletableFuture<WorkerReply> f = calls.send(worker.ref(), chat(), Duration.ofSeconds(10));
    WorkerActor.Call call = worker.expectMessageClass(WorkerActor.Call.class);
    call.replyTo().tell(WorkerReply.ok(call.id(), "answer", 5));

    assertThat(f.get(5, TimeUnit.SECONDS).value()).isEqualTo("answer");
  }

  @Test
  void workerLost_callStillQueuedThere_endsAsNotStarted_startedOneAsReachedBackend() throws Exception {
    RemoteCalls calls = calls();
    TestProbe<WorkerActor.Command> worker = KIT.createTestProbe();
    CompletableFuture<WorkerReply> queued = calls.send(worker.ref(), chat(), Duration.ofSeconds(10));
    CompletableFuture<WorkerReply> started = calls.send(worker.ref(), chat(), Duration.ofSeconds(10));
    WorkerActor.Call q = worker.expectMessageClass(WorkerActor.Call.class);
    WorkerActor.Call s = worker.expectMessageClass(WorkerActor.Call.class);
    q.replyTo().tell(WorkerReply.progress(q.id(), WorkerReply.Progress.QUEUED));
    s.replyTo().tell(WorkerReply.progress(s.id(), WorkerReply.Progress.QUEUED));
    s.replyTo().tell(WorkerReply.progress(s.id(), WorkerReply.Progress.STARTED));
    // progress travels through the receiver: wait until it has been seen by sending a marker call
    TestProbe<WorkerActor.Command> marker = KIT.createTestProbe();
    CompletableFuture<WorkerReply> m = calls.send(marker.ref(), chat(), Duration.ofSeconds(10));
    WorkerActor.Call mc = marker.expectMessageClass(WorkerActor.Call.class);
    mc.replyTo().tell(WorkerReply.ok(mc.id(), "marker", 0));
    m.get(5, TimeUnit.SECONDS);

    calls.workerLost(worker.ref());

    assertThat(queued.get(5, TimeUnit.SECONDS).reachedBackend()).isFalse();
    assertThat(started.get(5, TimeUnit.SECONDS).reachedBackend()).isTrue();
    assertThat(started.get().failure().kind()).isEqualTo(ErrorKind.UNAVAILABLE);
  }

  @Test
  void cancel_callerWentAway_laterReplyIsIgnored() {
    RemoteCalls calls = calls();
    TestProbe<WorkerActor.Command> worker = KIT.createTestProbe();
    CompletableFuture<WorkerReply> f = calls.send(worker.ref(), chat(), Duration.ofSeconds(10));
    WorkerActor.Call call = worker.expectMessageClass(WorkerActor.Call.class);

    f.cancel(true);
    call.replyTo().tell(WorkerReply.ok(call.id(), "late", 0));

    assertThat(f).isCancelled();
  }
}
