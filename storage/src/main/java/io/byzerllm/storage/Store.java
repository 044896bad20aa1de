package io.byzerllm.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One store ("cluster") in one directory; thread-safe; owns its index writers.
 *
 * <p>Durability: {@link #write} makes rows searchable within about a second; {@link #commit} makes them durable
 * (they survive {@code kill -9}). Table creation, drop and truncate are durable when they return. {@link #close}
 * commits every table.
 *
 * <p>Errors are {@code LlmException}: INVALID_REQUEST for bad input (naming the row index and field),
 * NOT_FOUND for an unknown table, CONFLICT for a schema mismatch or a directory held by another process.
 */
public interface Store extends AutoCloseable {
  /** The key of the relevance score in search rows. */
  String SCORE = "_score";

  /** True when created, false when it exists with the same schema, CONFLICT when it exists with another. */
  boolean createTable(TableRef t, TableSchema schema);

  Optional<TableSchema> schema(TableRef t);

  /**
   * Upserts rows by {@code _id}. Vectors are {@code float[]} or {@code List<Number>}. The whole batch is validated
   * before any row is written: one bad row rejects the batch. Returns the number of rows written.
   */
  int write(TableRef t, List<Map<String, Object>> rows);

  /** Makes every write so far durable and visible. */
  void commit(TableRef t);

  void commitAll();

  /** Rows with {@code "_score"} (absent on the filter-only path); see {@link SearchQuery} for the paths. */
  List<Map<String, Object>> search(TableRef t, SearchQuery q);

  /**
   * One page of every row of the table, all fields including vectors (unit length), in the store's own id order:
   * for moving a table between stores. {@code after} is null for the first page, then the previous page's
   * {@link RowPage#next()}; a null {@code next} means the table is done.
   */
  RowPage export(TableRef t, String after, int limit);

  /** Deletes the rows matching the filter and commits; returns how many were deleted. */
  long deleteByFilter(TableRef t, Filter filter);

  /** Deletes the rows with these ids and commits; returns how many were deleted. */
  long deleteByIds(TableRef t, List<Object> ids);

  /** Deletes every row and commits; the table and its schema stay. */
  void truncate(TableRef t);

  /** Removes the table, its schema and its files; false when there was no such table. */
  boolean drop(TableRef t);

  StoreStatus status();

  /** Commits every table and releases the directory lock. */
  @Override
  void close();
}
