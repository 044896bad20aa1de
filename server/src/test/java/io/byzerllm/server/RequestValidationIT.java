package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad requests get an OpenAI-shaped error with the right status and the field named, and never reach the provider. */
class RequestValidationIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("m1", 1, 2);

  @Test
  void chat_missingModel_400NamesModel() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

    assertInvalid(r, "model");
  }

  @Test
  void chat_messageWithoutRole_400NamesTheMessage() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", "{\"model\": \"m1\", \"messages\": [{\"content\": \"hi\"}]}");

    assertInvalid(r, "messages[0].role");
  }

  @Test
  void chat_bodyIsAJsonArray_400SaysItMustBeAnObject() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", "[{\"model\": \"m1\"}]");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("must be a JSON object");
  }

  @Test
  void embeddings_malformedJson_400InvalidRequest() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"m1\", \"input\": [");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(r).at("/error/message").asText()).contains("not valid JSON");
  }

  @Test
  void embeddings_emptyInputList_400NamesInput() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"m1\", \"input\": []}");

    assertInvalid(r, "input");
    assertThat(json(r).at("/error/message").asText()).contains("empty list");
  }

  @Test
  void embeddings_emptyString_400NamesInput() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"m1\", \"input\": \"\"}");

    assertInvalid(r, "input");
    assertThat(json(r).at("/error/message").asText()).contains("empty string");
  }

  @Test
  void embeddings_missingInput_400NamesInput() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"m1\"}");

    assertInvalid(r, "input");
  }

  @Test
  void speech_missingInput_400NamesInput() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/audio/speech", "{\"model\": \"m1\", \"voice\": \"alloy\"}");

    assertInvalid(r, "input");
  }

  @Test
  void images_missingPrompt_400NamesPrompt() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/images/generations", "{\"model\": \"m1\", \"size\": \"1024x1024\"}");

    assertInvalid(r, "prompt");
  }

  @Test
  void transcription_withoutFile_400NamesFile() throws Exception {
    String boundary = "byzerllm-validation-boundary";
    String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm1\r\n--" + boundary + "--\r\n";

    HttpResponse<String> r = NODE.calls().send(NODE.calls().request("/v1/audio/transcriptions")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(form)), HttpResponse.BodyHandlers.ofString());

    assertInvalid(r, "file");
  }

  @Test
  void embeddings_unknownModel_404ListsTheDeployedOnes() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"no-such-model\", \"input\": \"hi\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("model_not_found");
    assertThat(error.path("message").asText()).contains("'no-such-model'").contains("deployed models: m1");
  }

  @Test
  void unknownPath_404OpenAiShaped() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/completely/unknown", "{}");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("/v1/completely/unknown");
  }

  @Test
  void chat_wrongMethod_405OpenAiShapedNamingPost() throws Exception {
    HttpResponse<String> r = NODE.calls().get("/v1/chat/completions");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("POST");
  }

  private static void assertInvalid(HttpResponse<String> r, String param) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo(param);
    assertThat(NODE.upstream().requestCount()).as("a bad request reached the provider").isZero();
  }
}
