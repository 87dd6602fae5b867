import Foundation
import Testing
import Yams

/// `deploy/kubernetes/`: every document parses as Kubernetes YAML, every flag a Kaiju container passes
/// exists in that executable's `--help`, the agents publish on the subjects the modules read, kaiju-hl's
/// replica number comes from the StatefulSet ordinal, and the autoscaler's metric is one Kaiju exports.
struct DeployManifestTests {
    static let directory: URL = {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.pathComponents.count > 1,
            !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
        {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("deploy/kubernetes")
    }()

    /// Every document of every manifest, by file name.
    static func documents() throws -> [(file: String, document: [String: Any])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var out: [(String, [String: Any])] = []
        for file in files {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                guard let map = document as? [String: Any] else {
                    Issue.record("\(file): a document that is not a mapping")
                    continue
                }
                out.append((file, map))
            }
        }
        return out
    }

    /// The containers of a workload document (Deployment, StatefulSet, DaemonSet).
    static func containers(_ document: [String: Any]) -> [[String: Any]] {
        let spec = document["spec"] as? [String: Any]
        let template = spec?["template"] as? [String: Any]
        let podSpec = template?["spec"] as? [String: Any]
        return podSpec?["containers"] as? [[String: Any]] ?? []
    }

    /// The `--flag` names an executable's `--help` lists.
    static func flags(of executable: String) throws -> Set<String> {
        let process = Process()
        process.executableURL = ServerProcess.binDirectory.appendingPathComponent(executable)
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let help = String(decoding: data, as: UTF8.self)
        var flags = Set<String>()
        for line in help.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("--") else { continue }
            flags.insert(String(trimmed.prefix { $0 != " " && $0 != "," }))
        }
        return flags
    }

    /// Each Kaiju container's arguments, by executable.
    static func kaijuArguments() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (_, document) in try Self.documents() {
            for container in Self.containers(document) {
                guard let command = (container["command"] as? [String])?.first, command.hasPrefix("kaiju") else {
                    continue
                }
                out[command] = container["args"] as? [String] ?? []
            }
        }
        return out
    }

    /// `--name=value` → (`--name`, `value`).
    static func split(_ argument: String) -> (flag: String, value: String?) {
        guard let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }

    @Test func everyDocumentIsAKubernetesObject() throws {
        let documents = try Self.documents()
        #expect(documents.count >= 15)
        for (file, document) in documents where file != "kustomization.yaml" {
            #expect(document["apiVersion"] is String, "\(file)")
            #expect(document["kind"] is String, "\(file)")
            #expect((document["metadata"] as? [String: Any])?["name"] is String, "\(file)")
        }
        let kinds = Set(
            documents.map {
                "\($0.document["kind"] ?? "")/\(($0.document["metadata"] as? [String: Any])?["name"] ?? "")"
            }
        )
        for expected in [
            "StatefulSet/nats", "Deployment/kaiju-metrics", "Deployment/kaiju-logs", "Deployment/kaiju-traces",
            "StatefulSet/kaiju-hl", "HorizontalPodAutoscaler/kaiju-hl", "DaemonSet/telegraf", "DaemonSet/fluent-bit",
        ] {
            #expect(kinds.contains(expected), "\(expected)")
        }
        // The kustomization names every manifest.
        let kustomization = try #require(documents.first { $0.file == "kustomization.yaml" }?.document)
        let resources = Set(kustomization["resources"] as? [String] ?? [])
        #expect(resources == Set(documents.map(\.file)).subtracting(["kustomization.yaml"]))
    }

    @Test func everyKaijuFlagExistsInItsHelp() throws {
        let arguments = try Self.kaijuArguments()
        #expect(Set(arguments.keys) == ["kaiju-metrics", "kaiju-logs", "kaiju-traces", "kaiju-hl"])
        for (executable, args) in arguments {
            let flags = try Self.flags(of: executable)
            #expect(flags.contains("--nats"), "\(executable) --help lists --nats")
            for argument in args {
                #expect(flags.contains(Self.split(argument).flag), "\(executable) \(argument)")
            }
            // Every server spreads the Events over the same partitions.
            #expect(args.contains("--partitions=16"), "\(executable)")
        }
    }

    @Test func agentsPublishWhereTheModulesReadAndTheHPAWatchesTheBacklog() throws {
        let documents = try Self.documents()
        let arguments = try Self.kaijuArguments()
        func input(_ executable: String) -> String? {
            arguments[executable]?.map(Self.split).first { $0.flag == "--nats-input" }?.value
        }
        func configMap(_ name: String, _ key: String) -> String {
            let map = documents.first {
                $0.document["kind"] as? String == "ConfigMap"
                    && ($0.document["metadata"] as? [String: Any])?["name"] as? String == name
            }
            return (map?.document["data"] as? [String: Any])?[key] as? String ?? ""
        }
        // Telegraf's outputs.nats subject is kaiju-metrics' input; line protocol is what it reads.
        let telegraf = configMap("telegraf-config", "telegraf.conf")
        #expect(telegraf.contains("[[outputs.nats]]"))
        #expect(telegraf.contains("subject = \"\(input("kaiju-metrics") ?? "?")\""))
        #expect(telegraf.contains("data_format = \"influx\""))
        // Fluent Bit's nats output publishes on the tag (kube.*), which kaiju-logs' kube.> matches.
        let fluentBit = configMap("fluent-bit-config", "fluent-bit.conf")
        #expect(fluentBit.contains("Name  nats"))
        #expect(fluentBit.contains("Tag              kube.*"))
        #expect(input("kaiju-logs") == "kube.>")
        // kaiju-hl: the replica number is the StatefulSet ordinal; the count is learnt.
        let hl = arguments["kaiju-hl"] ?? []
        #expect(hl.contains("--replica=$(POD_INDEX)"))
        #expect(hl.contains("--replicas=0"))
        let statefulSet = try #require(
            documents.first {
                $0.document["kind"] as? String == "StatefulSet"
                    && ($0.document["metadata"] as? [String: Any])?["name"] as? String == "kaiju-hl"
            }
        )
        let env = Self.containers(statefulSet.document).first?["env"] as? [[String: Any]] ?? []
        let index = env.first { $0["name"] as? String == "POD_INDEX" }
        let field = ((index?["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
        #expect(field == "metadata.labels['apps.kubernetes.io/pod-index']")
        // The HPA scales the StatefulSet on kaiju_nats_pending, which the adapter rule serves.
        let hpa = try #require(documents.first { $0.document["kind"] as? String == "HorizontalPodAutoscaler" })
        let spec = hpa.document["spec"] as? [String: Any]
        #expect((spec?["scaleTargetRef"] as? [String: Any])?["name"] as? String == "kaiju-hl")
        let metric =
            ((((spec?["metrics"] as? [[String: Any]])?.first?["pods"]) as? [String: Any])?["metric"]
            as? [String: Any])?["name"] as? String
        #expect(metric == "kaiju_nats_pending")
        #expect(configMap("prometheus-adapter-kaiju", "config.yaml").contains("seriesQuery: 'kaiju_nats_pending{"))
    }
}
