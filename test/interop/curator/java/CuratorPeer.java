import com.fasterxml.jackson.databind.ObjectMapper;
import com.yupi.yurpc.model.ServiceMetaInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * A Java peer on Apache Curator's service discovery, for test/interop/curator.e2e-spec.ts.
 *   register HOSTS BASE_PATH NAME yurpc|spring ID ADDRESS PORT  registers, prints REGISTERED, waits to be killed
 *   query    HOSTS BASE_PATH NAME yurpc|spring                   prints each instance as one JSON line, then exits
 * The payload class is ServiceMetaInfo (yurpc) or ZookeeperInstance (spring); Curator's own default
 * serializer (JsonInstanceSerializer) reads and writes it.
 */
public class CuratorPeer {
  public static void main(String[] args) throws Exception {
    String mode = args[0], hosts = args[1], basePath = args[2], name = args[3];
    boolean spring = args[4].equals("spring");
    CuratorFramework client = CuratorFrameworkFactory.builder().connectString(hosts)
        .sessionTimeoutMs(4000).connectionTimeoutMs(5000).retryPolicy(new RetryNTimes(30, 200)).build();
    client.start();
    client.blockUntilConnected();
    if (spring) run(client, ZookeeperInstance.class, mode, basePath, name, args);
    else run(client, ServiceMetaInfo.class, mode, basePath, name, args);
  }

  private static <T> void run(CuratorFramework client, Class<T> payloadClass, String mode, String basePath, String name, String[] args)
      throws Exception {
    ServiceDiscovery<T> discovery = ServiceDiscoveryBuilder.builder(payloadClass).client(client).basePath(basePath).build();
    discovery.start();
    if (mode.equals("register")) {
      String id = args[5], address = args[6];
      int port = Integer.parseInt(args[7]);
      discovery.registerService(ServiceInstance.<T>builder().name(name).id(id).address(address).port(port)
          .payload(payloadClass.cast(payload(payloadClass, name, id, address, port))).build());
      System.out.println("REGISTERED");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
    ObjectMapper mapper = new ObjectMapper();
    for (ServiceInstance<T> instance : discovery.queryForInstances(name)) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("id", instance.getId());
      line.put("address", instance.getAddress());
      line.put("port", instance.getPort());
      line.put("payloadClass", instance.getPayload() == null ? null : instance.getPayload().getClass().getName());
      line.put("payload", instance.getPayload());
      System.out.println(mapper.writeValueAsString(line));
    }
    discovery.close();
    client.close();
  }

  private static Object payload(Class<?> payloadClass, String name, String id, String address, int port) {
    if (payloadClass == ZookeeperInstance.class) {
      ZookeeperInstance instance = new ZookeeperInstance();
      instance.id = id;
      instance.name = name;
      instance.metadata.put("team", "java");
      return instance;
    }
    ServiceMetaInfo meta = new ServiceMetaInfo();
    meta.serviceName = name.substring(0, name.lastIndexOf(':'));
    meta.serviceVersion = name.substring(name.lastIndexOf(':') + 1);
    meta.serviceHost = address;
    meta.servicePort = port;
    return meta;
  }
}
