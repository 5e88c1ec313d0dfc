#include "comptoir/events/retention.hpp"

#include "comptoir/events/consumer.hpp"

namespace comptoir::events {

boost::asio::awaitable<std::optional<std::int64_t>> OldestEntryMs(redis::Client& redis, const std::string& stream) {
  std::vector<std::string> command{"XRANGE", stream, "-", "+", "COUNT", "1"};  // named: no braced temporary (GCC 12)
  redis::Reply reply = co_await redis.Command(std::move(command));
  reply.ThrowIfError();
  if (!reply.IsArray() || reply.Array().empty()) co_return std::nullopt;
  const redis::Reply& entry = reply.Array().front();
  if (!entry.IsArray() || entry.Array().empty()) co_return std::nullopt;
  co_return StreamPosition(entry.Array().front().String()).first;
}

}  // namespace comptoir::events
