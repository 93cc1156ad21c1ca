package bench.stockscg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Stock Spring Cloud Gateway; its only route is in application.yml. */
@SpringBootApplication
public class StockScgApplication {

  public static void main(String[] args) {
    SpringApplication.run(StockScgApplication.class, args);
  }
}
