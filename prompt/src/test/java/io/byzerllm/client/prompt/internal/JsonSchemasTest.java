package io.byzerllm.client.prompt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  enum Unit { day, week }

  @JsonClassDescription("故事")
  record Story(@JsonPropertyDescription("故事的标题") String title, @JsonPropertyDescription("故事主体") String body,
      List<String> tags, Unit unit, int words) {}

  @Test
  void schema_record_propertiesTypesDescriptionsRequiredAndEnum() {
    JsonNode schema = JsonSchemas.of(Story.class);

    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("description").asText()).isEqualTo("故事");
    assertThat(schema.path("properties").path("title").path("description").asText()).isEqualTo("故事的标题");
    assertThat(schema.path("properties").path("tags").path("type").asText()).isEqualTo("array");
    assertThat(schema.path("properties").path("words").path("type").asText()).isEqualTo("integer");
    assertThat(schema.path("properties").path("unit").path("enum").toString()).isEqualTo("[\"day\",\"week\"]");
    assertThat(schema.path("required").toString()).contains("\"title\"", "\"body\"", "\"words\"");
  }
}
