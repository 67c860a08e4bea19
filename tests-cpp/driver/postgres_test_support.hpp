// Helpers for the PostgreSQL driver tests: the server from CORMORANT_TEST_PG_URL
// parsed into Options (tests skip with a warning when it is unset, and fail
// when it is set but the server cannot be reached), scratch tables unique to
// this process, and shorthand for running SQL.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cormorant/driver/postgres/pg_connection.hpp"
#include "cormorant/error.hpp"
#include "sqlite_test_support.hpp"

// Readable names in assertion messages.
namespace Catch {
template <>
struct StringMaker<cormorant::driver::ValueType> {
    static std::string convert(cormorant::driver::ValueType type) {
        return std::string(cormorant::driver::type_name(type));
    }
};
template <>
struct StringMaker<cormorant::ErrorKind> {
    static std::string convert(cormorant::ErrorKind kind) {
        using cormorant::ErrorKind;
        switch (kind) {
            case ErrorKind::Interface:
                return "Interface";
            case ErrorKind::Operational:
                return "Operational";
            case ErrorKind::Integrity:
                return "Integrity";
            case ErrorKind::Programming:
                return "Programming";
            case ErrorKind::Data:
                return "Data";
            case ErrorKind::NotSupported:
                return "NotSupported";
            case ErrorKind::Internal:
                return "Internal";
            case ErrorKind::PoolTimeout:
                return "PoolTimeout";
            case ErrorKind::InvalidRequest:
                return "InvalidRequest";
            case ErrorKind::Database:
                return "Database";
        }
        return "ErrorKind?";
    }
};
}  // namespace Catch

namespace test_support {

inline constexpr const char* kPgUrlVariable = "CORMORANT_TEST_PG_URL";

inline std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Parses postgresql://[user[:password]@]host[:port][/dbname][?key=value&...];
// std::nullopt when the text is not such a URL.
inline std::optional<cormorant::driver::postgres::Options> parse_pg_url(std::string_view url) {
    cormorant::driver::postgres::Options o;
    std::string_view rest;
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (url.substr(0, scheme.size()) == scheme) rest = url.substr(scheme.size());
    }
    if (rest.empty()) return std::nullopt;

    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        std::string_view query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        while (!query.empty()) {
            const auto amp = query.find('&');
            const std::string_view pair = query.substr(0, amp);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) return std::nullopt;
            o.parameters[percent_decode(pair.substr(0, eq))] = percent_decode(pair.substr(eq + 1));
            query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        }
    }
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        o.dbname = percent_decode(rest.substr(slash + 1));
        rest = rest.substr(0, slash);
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = userinfo.find(':');
        o.user = percent_decode(userinfo.substr(0, colon));
        if (colon != std::string_view::npos)
            o.password = percent_decode(userinfo.substr(colon + 1));
    }
    std::string_view host = rest;
    std::string_view port;
    if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (!host.empty()) o.host = percent_decode(host);
    if (!port.empty()) {
        if (port.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
        o.port = std::stoi(std::string(port));
    }
    return o;
}

// `url` with the password, if any, masked, for messages.
inline std::string redacted_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const auto start = scheme_end + 3;
    const auto at = url.rfind('@', url.find('/', start));
    if (at == std::string_view::npos || at < start) return std::string(url);
    const auto colon = url.find(':', start);
    if (colon == std::string_view::npos || colon > at) return std::string(url);
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

// Why the server at `options` cannot be reached, or "" when a connection
// opens; probed once per process, so an unreachable server costs one timeout.
inline const std::string& pg_unreachable_reason(
    const cormorant::driver::postgres::Options& options) {
    static const std::string reason = [&]() -> std::string {
        try {
            cormorant::driver::postgres::PgConnection probe(options);
            probe.close();
            return "";
        } catch (const std::exception& e) {
            return e.what()[0] != '\0' ? e.what() : "connection failed";
        }
    }();
    return reason;
}

// The test server, or std::nullopt (with a visible warning) when
// CORMORANT_TEST_PG_URL is unset: the calling test then returns early. When
// the variable is set, a malformed URL or a server that cannot be reached
// fails the calling test, naming the URL and the error: a configured server
// that is down must not pass as skipped tests.
inline std::optional<cormorant::driver::postgres::Options> pg_server() {
    const char* url = std::getenv(kPgUrlVariable);
    if (url == nullptr || *url == '\0') {
        WARN("CORMORANT_TEST_PG_URL is not set; skipping PostgreSQL driver test");
        return std::nullopt;
    }
    auto options = parse_pg_url(url);
    if (!options) FAIL("CORMORANT_TEST_PG_URL is not a postgresql:// URL: " << redacted_url(url));
    const std::string& reason = pg_unreachable_reason(*options);
    if (!reason.empty())
        FAIL("CORMORANT_TEST_PG_URL=" << redacted_url(url)
                                      << " is set but its server cannot be reached: " << reason);
    return options;
}

inline std::unique_ptr<cormorant::driver::postgres::PgConnection> pg_connect(
    const cormorant::driver::postgres::Options& options) {
    return std::make_unique<cormorant::driver::postgres::PgConnection>(options);
}

// A table name unique to this test and process, created on construction and
// dropped (over a connection of its own) on destruction. Declare it before
// the connections that use it, so they close (releasing their locks) first.
class PgTable {
  public:
    PgTable(const cormorant::driver::postgres::Options& options, std::string_view stem,
            std::string_view columns)
        : options_(options),
          name_("cm_drv_" + std::string(stem) + "_" + std::to_string(::getpid())) {
        auto conn = pg_connect(options_);
        exec(*conn, "DROP TABLE IF EXISTS " + name_);
        exec(*conn, "CREATE TABLE " + name_ + " (" + std::string(columns) + ")");
    }
    ~PgTable() {
        try {
            auto conn = pg_connect(options_);
            exec(*conn, "DROP TABLE IF EXISTS " + name_);
        } catch (...) {  // never throw from a destructor; a leftover table is harmless
        }
    }
    PgTable(const PgTable&) = delete;
    PgTable& operator=(const PgTable&) = delete;

    const std::string& name() const { return name_; }
    // `sql` with every "{t}" replaced by the table name.
    std::string sql(std::string_view text) const {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text.substr(i, 3) == "{t}") {
                out += name_;
                i += 2;
            } else {
                out += text[i];
            }
        }
        return out;
    }

  private:
    cormorant::driver::postgres::Options options_;
    std::string name_;
};

}  // namespace test_support
