package com.yupi.yurpc.model;

/** Shaped like the service metadata of the Java design this project descends from (yu-rpc). */
public class ServiceMetaInfo {
  public String serviceName;
  public String serviceVersion = "1.0";
  public String serviceHost;
  public Integer servicePort;
  public String serviceGroup = "default";
}
