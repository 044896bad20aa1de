package io.byzerllm.storage;

/** Rows visible to search and bytes of the table's index files. */
public record TableStatus(TableRef table, long documents, long bytesOnDisk) {}
