package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

  @Test
  void next_commentsFieldsAndMultiLineData_yieldsEachEventsData() throws IOException {
    String body = ": keep-alive\n\nevent: message\ndata: {\"a\":1}\n\ndata:first\ndata: second\n\ndata: [DONE]";
    try (ServerSentEvents events = new ServerSentEvents(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))) {

      assertThat(events.next()).isEqualTo("{\"a\":1}");
      assertThat(events.next()).isEqualTo("first\nsecond");
      assertThat(events.next()).isEqualTo("[DONE]");
      assertThat(events.next()).isNull();
    }
  }
}
