package io.byzerllm.server.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerReply;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NodeLinksTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final LinkFrames FRAMES = LinkFrames.of(KIT.system(), 1024 * 1024);
  static final Address OTHER = new Address("pekko", "byzerllm", "127.0.0.1", 2552);
  static final NodeLinks.Settings TWO = new NodeLinks.Settings(2, Duration.ofSeconds(60), 64);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static LinkCall call(long id) {
    return new LinkCall(id, "worker-m-g1-0", new Work.Chat(new ChatCall("r" + id, List.of(ChatMessage.of("user", "hi")),
        ChatOptions.DEFAULTS)));
  }

  /** Records the one event a call ends with. */
  private static final class Outcome implements LinkListener {
    final CompletableFuture<String> ended = new CompletableFuture<>();

    @Override
    public void progress(WorkerReply news) {}

    @Override
    public void replied(WorkerReply reply) {
      ended.complete("replied");
    }

    @Override
    public void opened(WorkerReply reply, org.apache.pekko.stream.javadsl.Source<io.byzerllm.worker.actor.StreamEvent,
        org.apache.pekko.NotUsed> events) {
      ended.complete("opened");
    }

    @Override
    public void broken(long id, boolean sent, String why) {
      ended.complete((sent ? "broken after sending: " : "not sent: ") + why);
    }
  }

  @Test
  void acquire_nodeWithoutALinkRole_givesNoConnection() {
    try (NodeLinks links = new NodeLinks(a -> Optional.of(Set.of("dc-default")), FRAMES, TWO)) {
      assertThat(links.acquire(OTHER)).isNull();
    }
  }

  @Test
  void acquire_addressNoMemberHasYet_looksAgainOnTheNextCall() {
    AtomicReference<Optional<Set<String>>> roles = new AtomicReference<>(Optional.empty());
    try (NodeLinks links = new NodeLinks(a -> roles.get(), FRAMES, TWO)) {
      assertThat(links.acquire(OTHER)).isNull();

      roles.set(Optional.of(Set.of(NodeLinks.role(2651))));

      assertThat(links.acquire(OTHER)).isNotNull();
    }
  }

  @Test
  void acquire_callsInFlightAtTheLimit_givesNoMoreConnections() {
    try (NodeLinks links = new NodeLinks(a -> Optional.of(Set.of(NodeLinks.role(2651))), FRAMES, TWO)) {
      assertThat(links.acquire(OTHER)).isNotNull();
      assertThat(links.acquire(OTHER)).isNotNull();

      assertThat(links.acquire(OTHER)).isNull();
    }
  }

  @Test
  void send_linkPortNobodyListensOn_reportsNotSentAndTheNodeIsCalledAsMessagesAfter() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    try (NodeLinks links = new NodeLinks(a -> Optional.of(Set.of(NodeLinks.role(deadPort))), FRAMES, TWO)) {
      Outcome outcome = new Outcome();

      links.acquire(OTHER).send(call(1), outcome);

      assertThat(outcome.ended.get(10, TimeUnit.SECONDS)).startsWith("not sent: cannot connect");
      assertThat(links.acquire(OTHER)).as("no second try while the node is in the cluster").isNull();
    }
  }

  @Test
  void send_peerThatClosesAfterReading_reportsTheCallBrokenAfterSending() throws Exception {
    try (ServerSocket peer = new ServerSocket(0);
         NodeLinks links = new NodeLinks(a -> Optional.of(Set.of(NodeLinks.role(peer.getLocalPort()))), FRAMES, TWO)) {
      Outcome outcome = new Outcome();

      links.acquire(OTHER).send(call(2), outcome);
      try (var accepted = peer.accept()) {
        accepted.getInputStream().read(new byte[4]); // takes part of the call, then goes away
      }

      assertThat(outcome.ended.get(10, TimeUnit.SECONDS)).startsWith("broken after sending");
    }
  }
}
