package org.springframework.cloud.zookeeper.discovery;

import java.util.HashMap;
import java.util.Map;

/** Shaped like Spring Cloud Zookeeper's payload (same class name, so the "@class" tag matches). */
public class ZookeeperInstance {
  public String id;
  public String name;
  public Map<String, String> metadata = new HashMap<>();
}
