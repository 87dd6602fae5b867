import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics of Prometheus clients, read from `/proc` when `/metrics` is asked for,
/// and `kaiju_build_info`.
enum ProcessMetrics {
    /// Updates the process metrics and the build info of `server` in `stats`.
    static func update(_ stats: IngestStats, server: String) {
        stats.set(
            .init("kaiju_build_info", ["server": server, "version": KaijuBuild.version, "swift": KaijuBuild.swift]),
            1
        )
        #if os(Linux)
        if let stat = Self.selfStat() {
            let ticks = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
            let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
            stats.sync(.init("process_cpu_seconds_total"), toSeconds: Double(stat.utime + stat.stime) / ticks)
            stats.set(.init("process_virtual_memory_bytes"), stat.vsize)
            stats.set(
                .init("process_resident_memory_bytes"),
                stat.rss.multipliedReportingOverflow(by: page).partialValue
            )
            if let boot = Self.bootTime() {
                stats.set(.init("process_start_time_seconds"), fractional: Double(boot) + Double(stat.start) / ticks)
            }
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            stats.set(.init("process_open_fds"), fds.count)
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            stats.set(.init("process_max_fds"), Int(clamping: limit.rlim_cur))
        }
        #endif
    }

    /// The figures of `/proc/self/stat` the metrics use (times in clock ticks, sizes in bytes and pages).
    struct Stat {
        var utime = 0
        var stime = 0
        var start = 0
        var vsize = 0
        var rss = 0
    }

    /// `/proc/self/stat`, whose fields after the command name (which may hold spaces) are space-separated.
    static func selfStat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8) else { return nil }
        return Self.parseStat(text)
    }

    /// Fields 14, 15, 22, 23 and 24 of a `/proc/PID/stat` line.
    static func parseStat(_ text: String) -> Stat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state).
        guard fields.count > 21 else { return nil }
        func field(_ n: Int) -> Int { Int(fields[n - 3]) ?? 0 }
        return Stat(utime: field(14), stime: field(15), start: field(22), vsize: field(23), rss: field(24))
    }

    /// The boot time (`btime` of `/proc/stat`), in seconds since the epoch.
    static func bootTime() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int(line.dropFirst("btime ".count))
        }
        return nil
    }
}

/// What was built.
public enum KaijuBuild {
    /// Kaiju's version.
    public static let version = "0.19.0"

    /// The Swift compiler's language version the server was built with.
    public static var swift: String {
        #if compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }
}
