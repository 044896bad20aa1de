package io.byzerllm.testkit;
