package io.byzerllm.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RecentErrorsTest {

  @Test
  void add_moreThanCapacity_keepsTheNewestFirst() {
    RecentErrors errors = new RecentErrors(3);

    for (int i = 0; i < 5; i++) {
      errors.add(new RecentErrors.Entry(Instant.ofEpochSecond(i), "m", "/v1/embeddings", 500 + i, "failure " + i));
    }

    assertThat(errors.list()).extracting(RecentErrors.Entry::message).containsExactly("failure 4", "failure 3", "failure 2");
    assertThat(errors.json().path("errors").get(0).path("time").asText()).isEqualTo("1970-01-01T00:00:04Z");
    assertThat(errors.json().path("errors").get(0).path("status").asInt()).isEqualTo(504);
  }
}
