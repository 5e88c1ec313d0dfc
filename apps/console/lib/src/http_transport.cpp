// The HTTP transport of the console: libs/http's client on one event-loop thread of its own; the
// caller (a screen or a subcommand) waits for each answer, bounded by the timeout.
#include <future>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/url/parse.hpp>

#include "comptoir/console/gateway.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/runtime.hpp"

namespace comptoir::console {
namespace {

boost::asio::awaitable<http::ClientResult> Exchange(http::Client* client, std::string host, std::uint16_t port,
                                                    http::Request request, std::chrono::milliseconds timeout) {
  co_return co_await client->Send(std::move(host), port, std::move(request), timeout);
}

class HttpTransport final : public Transport {
 public:
  HttpTransport(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
      : host_(std::move(host)),
        port_(port),
        timeout_(timeout),
        runtime_(1),
        client_(runtime_, http::ClientOptions{.connect_timeout = std::min(timeout, std::chrono::milliseconds(2000)),
                                              .request_timeout = timeout}) {
    loop_ = std::thread([this] { runtime_.Run(); });
  }
  ~HttpTransport() override {
    runtime_.Stop();
    loop_.join();
  }

  Reply Send(const std::string& method, const std::string& target, const HeaderList& headers,
             const std::string& body) override {
    http::Request request;
    request.method = http::ParseMethod(method);
    request.method_name = method;
    request.target = target;
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    request.headers.Set("Host", host_ + ":" + std::to_string(port_));
    request.body = body;
    std::promise<http::ClientResult> done;
    auto answer = done.get_future();
    boost::asio::co_spawn(runtime_.Context(0), Exchange(&client_, host_, port_, std::move(request), timeout_),
                          [&done](std::exception_ptr e, http::ClientResult r) {
                            if (e) {
                              r.error = boost::asio::error::fault;
                            }
                            done.set_value(std::move(r));
                          });
    http::ClientResult result = answer.get();
    Reply reply;
    if (result.error) {
      reply.error = result.error.message();
      reply.before_send = result.before_send || result.error == boost::asio::error::connection_refused;
      return reply;
    }
    reply.status = result.response.status;
    reply.body = std::move(result.response.body);
    return reply;
  }

 private:
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  http::Runtime runtime_;
  http::Client client_;
  std::thread loop_;
};

}  // namespace

std::unique_ptr<Transport> MakeHttpTransport(const std::string& base_url, std::chrono::milliseconds timeout) {
  auto url = boost::urls::parse_uri(base_url);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    throw std::invalid_argument("the gateway URL must look like http://host:port, not " + base_url);
  }
  const std::uint16_t port = url->has_port() ? url->port_number() : 80;
  return std::make_unique<HttpTransport>(std::string(url->host()), port, timeout);
}

}  // namespace comptoir::console
