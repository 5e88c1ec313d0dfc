// Kong's key-auth plugin (kong/plugins/key-auth/handler.lua, 3.6+): an API key in a header, the
// query string or the body identifies a consumer of the keyauth_credentials.
#include <algorithm>

#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

/// Kong's typedefs.header_name: token characters only.
bool ValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

/// One `name[=value]` item of a query string or form body, with its raw text kept so the others
/// are forwarded byte for byte when one is removed.
struct Arg {
  std::string_view raw;
  std::string name;
  std::optional<std::string> value;  ///< nullopt for a bare `name` (Kong sees `true`, not a string)
};

std::vector<Arg> ParseArgs(std::string_view text) {
  std::vector<Arg> out;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto name = http::PercentDecode(part.substr(0, eq), true);
    Arg arg{part, name ? *name : std::string(part.substr(0, eq)), std::nullopt};
    if (eq != std::string_view::npos) {
      auto value = http::PercentDecode(part.substr(eq + 1), true);
      arg.value = value ? *value : std::string(part.substr(eq + 1));
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::string JoinArgsWithout(const std::vector<Arg>& args, std::string_view name) {
  std::string out;
  for (const auto& a : args) {
    if (a.name == name) continue;
    if (!out.empty()) out += '&';
    out += a.raw;
  }
  return out;
}

/// A key found in one place: none, one string, or several values (Kong: "Duplicate API key found").
struct Lookup {
  int count = 0;  ///< number of string values found
  bool present = false;
  std::string value;
};

/// Sets Kong's consumer headers on the upstream request (kong.client.authenticate + set_consumer).
void SetConsumer(RequestContext& ctx, const Consumer* consumer, int consumer_index, const KeyAuthCredential* cred) {
  auto& h = ctx.request.headers;
  ctx.consumer = consumer;
  ctx.consumer_index = consumer_index;
  ctx.credential_id = cred != nullptr ? cred->id : std::string();
  ctx.anonymous = cred == nullptr;
  auto set_or_clear = [&h](std::string_view name, const std::string* value) {
    if (value != nullptr && !value->empty())
      h.Set(name, *value);
    else
      h.Remove(name);
  };
  set_or_clear("X-Consumer-ID", consumer != nullptr ? &consumer->id : nullptr);
  set_or_clear("X-Consumer-Custom-ID", consumer != nullptr ? &consumer->custom_id : nullptr);
  set_or_clear("X-Consumer-Username", consumer != nullptr ? &consumer->username : nullptr);
  set_or_clear("X-Credential-Identifier", cred != nullptr ? &cred->id : nullptr);
  if (cred != nullptr)
    h.Remove("X-Anonymous-Consumer");
  else
    h.Set("X-Anonymous-Consumer", "true");
}

struct Failure {
  int status;
  std::string message;
};

class KeyAuth final : public Plugin {
 public:
  struct Options {
    std::vector<std::string> key_names;
    bool hide_credentials = false;
    std::optional<std::string> anonymous;
    bool key_in_header = true;
    bool key_in_query = true;
    bool key_in_body = false;
    bool run_on_preflight = true;
    std::optional<std::string> realm;
  };

  explicit KeyAuth(Options o)
      : o_(std::move(o)), www_authenticate_(o_.realm ? "Key realm=\"" + *o_.realm + "\"" : std::string("Key")) {}

  [[nodiscard]] int Priority() const override { return 1250; }
  [[nodiscard]] std::string_view Name() const override { return "key-auth"; }
  [[nodiscard]] bool NeedsRequestBody() const override { return o_.key_in_body; }

  void Access(RequestContext& ctx) const override {
    if (!o_.run_on_preflight && ctx.request.method == http::Method::kOptions) return;
    if (o_.anonymous) {
      // Logical OR with other auth plugins: an earlier one already authenticated.
      if (!ctx.credential_id.empty()) return;
      if (Authenticate(ctx)) return;
      int index = -1;
      if (auto it = ctx.config.consumer_by_name.find(*o_.anonymous); it != ctx.config.consumer_by_name.end()) {
        index = it->second;
      }
      if (index < 0) {
        ctx.exit =
            KongError(500, "anonymous consumer " + *o_.anonymous + " is configured but doesn't exist", ctx.request_id);
        return;
      }
      SetConsumer(ctx, &ctx.config.consumers[static_cast<std::size_t>(index)], index, nullptr);
      return;
    }
    Failure failure{0, {}};
    if (!Authenticate(ctx, &failure)) {
      ctx.exit = KongError(failure.status, failure.message, ctx.request_id);
      ctx.exit->headers.Set("WWW-Authenticate", www_authenticate_);
    }
  }

 private:
  /// kong.request.get_headers()[name]: case-insensitive, and `_` in the name also matches `-`.
  static Lookup FromHeaders(const http::Headers& headers, std::string_view name) {
    std::string dashed(name);
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    Lookup l;
    for (const auto& [k, v] : headers) {
      if (http::IEquals(k, name) || http::IEquals(k, dashed)) {
        l.present = true;
        ++l.count;
        if (l.count == 1) l.value = v;
      }
    }
    return l;
  }

  static Lookup FromArgs(const std::vector<Arg>& args, std::string_view name) {
    Lookup l;
    const Arg* first = nullptr;
    int occurrences = 0;
    for (const auto& a : args) {
      if (a.name != name) continue;
      if (++occurrences == 1) first = &a;
    }
    if (occurrences == 0) return l;
    l.present = true;
    if (occurrences > 1) {
      l.count = occurrences;  // a Lua table: duplicate
    } else if (first->value) {
      l.count = 1;
      l.value = *first->value;
    }  // else a bare `name`: Kong sees `true`, which is no key but stops the search for this name
    return l;
  }

  enum class BodyKind { kNone, kForm, kJson };

  static BodyKind KindOf(const http::Request& req) {
    std::string ct(req.headers.Get("Content-Type").value_or(""));
    std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ct.find("application/x-www-form-urlencoded") != std::string::npos) return BodyKind::kForm;
    if (ct.find("application/json") != std::string::npos) return BodyKind::kJson;
    return BodyKind::kNone;  // multipart bodies are not searched (deviation, see report)
  }

  static Lookup FromBody(const http::Request& req, std::string_view name) {
    Lookup l;
    switch (KindOf(req)) {
      case BodyKind::kForm:
        return FromArgs(ParseArgs(req.body), name);
      case BodyKind::kJson: {
        boost::system::error_code ec;
        json::value body = json::parse(req.body, ec);
        if (ec || !body.is_object()) return l;
        const auto* v = body.get_object().if_contains(name);
        if (v == nullptr) return l;
        if (v->is_string()) {
          l.present = true;
          l.count = 1;
          l.value = std::string(v->get_string());
        } else if (v->is_array() || v->is_object()) {
          l.present = true;
          l.count = 2;  // a Lua table: duplicate
        }
        return l;
      }
      case BodyKind::kNone:
        return l;
    }
    return l;
  }

  static void RemoveFromBody(http::Request& req, std::string_view name) {
    switch (KindOf(req)) {
      case BodyKind::kForm:
        req.body = JoinArgsWithout(ParseArgs(req.body), name);
        break;
      case BodyKind::kJson: {
        boost::system::error_code ec;
        json::value body = json::parse(req.body, ec);
        if (ec || !body.is_object()) return;
        body.get_object().erase(name);
        req.body = json::serialize(body);
        break;
      }
      case BodyKind::kNone:
        return;
    }
    if (req.headers.Has("Content-Length")) req.headers.Set("Content-Length", std::to_string(req.body.size()));
  }

  static void RemoveFromQuery(http::Request& req, std::string_view name) {
    auto args = ParseArgs(req.query);
    if (std::none_of(args.begin(), args.end(), [&](const Arg& a) { return a.name == name; })) return;
    req.query = JoinArgsWithout(args, name);
    if (auto q = req.target.find('?'); q != std::string::npos) {
      req.target.resize(q);
      if (!req.query.empty()) req.target += "?" + req.query;
    }
  }

  bool Authenticate(RequestContext& ctx, Failure* failure = nullptr) const {
    auto fail = [failure](int status, std::string message) {
      if (failure != nullptr) *failure = {status, std::move(message)};
      return false;
    };
    auto& req = ctx.request;
    std::optional<std::vector<Arg>> query;
    std::optional<std::string> key;
    for (const auto& name : o_.key_names) {
      Lookup l;
      if (o_.key_in_header) l = FromHeaders(req.headers, name);
      if (!l.present && o_.key_in_query) {
        if (!query) query = ParseArgs(req.query);
        l = FromArgs(*query, name);
      }
      if (!l.present && o_.key_in_body) l = FromBody(req, name);
      if (l.count > 1) return fail(401, "Duplicate API key found");
      if (l.count == 1) {
        key = l.value;
        if (o_.hide_credentials) {
          RemoveFromQuery(req, name);
          req.headers.Remove(name);
          if (o_.key_in_body) RemoveFromBody(req, name);
        }
        break;
      }
    }
    if (!key || key->empty()) return fail(401, "No API key found in request");

    auto it = ctx.config.credential_by_key.find(*key);
    if (it == ctx.config.credential_by_key.end()) return fail(401, "Unauthorized");
    const auto& cred = ctx.config.keyauth_credentials[static_cast<std::size_t>(it->second)];
    if (cred.consumer < 0 || static_cast<std::size_t>(cred.consumer) >= ctx.config.consumers.size()) {
      return fail(500, "An unexpected error occurred");
    }
    SetConsumer(ctx, &ctx.config.consumers[static_cast<std::size_t>(cred.consumer)], cred.consumer, &cred);
    return true;
  }

  Options o_;
  std::string www_authenticate_;
};

}  // namespace

std::shared_ptr<Plugin> CreateKeyAuth(SchemaReader& config, const PluginEnv& /*env*/) {
  KeyAuth::Options o;
  o.key_names = config.StringArray("key_names", {"apikey"});
  for (std::size_t i = 0; i < o.key_names.size(); ++i) {
    if (!ValidHeaderName(o.key_names[i])) {
      config.Fail("key_names[" + std::to_string(i + 1) + "]",
                  "bad header name '" + o.key_names[i] + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
    }
  }
  if (config.Raw("key_names") != nullptr && o.key_names.empty()) config.Fail("key_names", "length must be at least 1");
  o.hide_credentials = config.Bool("hide_credentials", false);
  o.anonymous = config.OptString("anonymous");
  o.key_in_header = config.Bool("key_in_header", true);
  o.key_in_query = config.Bool("key_in_query", true);
  o.key_in_body = config.Bool("key_in_body", false);
  o.run_on_preflight = config.Bool("run_on_preflight", true);
  o.realm = config.OptString("realm");
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  if (o.anonymous && o.anonymous->empty()) o.anonymous.reset();
  return std::make_shared<KeyAuth>(std::move(o));
}

}  // namespace comptoir::gateway::plugins
