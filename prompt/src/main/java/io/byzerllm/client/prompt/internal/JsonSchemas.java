package io.byzerllm.client.prompt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.lang.reflect.Type;

/**
 * JSON Schemas of Java types (victools), as byzerllm sends pydantic's {@code schema_json()}: records
 * and POJOs become objects whose properties are all required (a record has no optional component),
 * descriptions come from Jackson's {@code @JsonClassDescription} / {@code @JsonPropertyDescription},
 * enums list their constants, {@code List<T>} becomes an array.
 */
public final class JsonSchemas {
  private static final SchemaGenerator GENERATOR = generator();

  private JsonSchemas() {}

  public static ObjectNode of(Type type) {
    return GENERATOR.generateSchema(type);
  }

  /** The schema of one value inside a larger schema (no {@code $schema} header). */
  public static ObjectNode inline(Type type) {
    ObjectNode schema = of(type);
    schema.remove("$schema");
    return schema;
  }

  public static String pretty(JsonNode schema) {
    return schema.toPrettyString();
  }

  private static SchemaGenerator generator() {
    SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
        OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
        .with(Option.FLATTENED_ENUMS)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    builder.forFields().withRequiredCheck(field -> field.getDeclaringType().getErasedType().isRecord()
        || field.getType().getErasedType().isPrimitive());
    return new SchemaGenerator(builder.build());
  }
}
