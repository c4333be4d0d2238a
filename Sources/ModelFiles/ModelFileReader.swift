import Foundation
import NetCore

/// Walks a document and turns it into a `ModelFile`, failing at the first mistake with its key path.
struct ModelFileReader {
    let file: String
    let overrides: [String: Double]
    var names: [String: Double] = [:]
    let kernel = try! Kernel()

    init(file: String, overrides: [String: Double]) {
        self.file = file
        self.overrides = overrides
    }

    func fail(_ path: String, _ node: Node?, _ message: String) -> ModelFileError {
        ModelFileError(file: file, path: path, line: node?.line ?? 0, message: message)
    }

    func object(_ node: Node, _ path: String, allowed: [String]) throws -> [(key: String, value: Node)] {
        guard case let .object(pairs) = node.value else {
            throw fail(path, node, "expected an object, got \(node.value.typeName)")
        }
        for (k, v) in pairs where !allowed.contains(k) {
            let hint = suggestion(for: k, among: allowed).map { "; did you mean '\($0)'?" } ?? "; allowed: \(allowed.joined(separator: ", "))"
            throw fail(path.isEmpty ? k : "\(path).\(k)", v, "unknown key '\(k)'\(hint)")
        }
        return pairs
    }

    func string(_ node: Node, _ path: String) throws -> String {
        guard case let .string(s) = node.value else { throw fail(path, node, "expected a string, got \(node.value.typeName)") }
        return s
    }

    func bool(_ node: Node, _ path: String) throws -> Bool {
        guard case let .bool(b) = node.value else { throw fail(path, node, "expected true or false, got \(node.value.typeName)") }
        return b
    }

    /// A number, or an expression over `parameters`.
    func number(_ node: Node, _ path: String) throws -> Double {
        switch node.value {
        case let .number(x): return x
        case let .string(s):
            switch s.trimmingCharacters(in: .whitespaces) {
            case "inf", "+inf", "Infinity": return .infinity
            case "-inf", "-Infinity": return -.infinity
            default: break
            }
            do {
                let x = try Expression.evaluate(s, names)
                guard x.isFinite else { throw fail(path, node, "expression '\(s)' is not a finite number") }
                return x
            } catch let e as Expression.Failure {
                throw fail(path, node, e.message)
            }
        default:
            throw fail(path, node, "expected a number, got \(node.value.typeName)")
        }
    }

    func finite(_ node: Node, _ path: String) throws -> Double {
        let x = try number(node, path)
        guard x.isFinite else { throw fail(path, node, "must be a finite number, got \(formatNumber(x))") }
        return x
    }

    func integer(_ node: Node, _ path: String, min lo: Int = 0) throws -> Int {
        var x = try finite(node, path)
        // Expressions like "0.1*NE" land within rounding of an integer.
        if abs(x - x.rounded()) <= 1e-9 * max(1, abs(x)) { x = x.rounded() }
        guard x == x.rounded(), abs(x) < 9e15 else { throw fail(path, node, "must be an integer, got \(formatNumber(x))") }
        guard Int(x) >= lo else { throw fail(path, node, "must be >= \(lo), got \(Int(x))") }
        return Int(x)
    }

    mutating func read(_ root: Node, seedOverride: UInt64?) throws -> ModelFile {
        let top = try object(root, "", allowed: ["name", "description", "kernel", "nodes", "connections", "parameters",
                                                 "simulate", "bisection"])
        func get(_ k: String) -> Node? { top.first { $0.key == k }?.value }

        // parameters first: the rest may use them.
        var params: [(name: String, value: Double)] = []
        if let p = get("parameters") {
            for (k, v) in try object(p, "parameters", allowed: (try? object(p, "parameters", allowed: p.keys))?.map(\.key) ?? []) {
                guard k.first.map({ $0.isLetter || $0 == "_" }) == true,
                      k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail("parameters.\(k)", v, "a parameter name must be letters, digits and '_', starting with a letter")
                }
                var x = try finite(v, "parameters.\(k)")
                if let o = overrides[k] { x = o }
                names[k] = x
                params.append((k, x))
            }
        }
        for k in overrides.keys where names[k] == nil {
            let hint = suggestion(for: k, among: Array(names.keys)).map { "; did you mean '\($0)'?" } ?? ""
            throw fail("parameters", get("parameters"), "--param \(k): the model has no parameter '\(k)'\(hint)")
        }

        var name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if name.hasSuffix(".netview") { name = String(name.dropLast(8)) }
        if let n = get("name") { name = try string(n, "name") }
        let description = try get("description").map { try string($0, "description") } ?? ""

        var resolution = 0.1, seed: UInt64 = 1, threads = 1
        var explicit: (network: UInt64?, stimulus: UInt64?, state: UInt64?) = (nil, nil, nil)
        var normals = NormalDraws.ziggurat
        if let k = get("kernel") {
            for (key, v) in try object(k, "kernel", allowed: ["resolution", "seed", "seeds", "threads", "normal_draws"]) {
                let path = "kernel.\(key)"
                switch key {
                case "resolution":
                    resolution = try finite(v, path)
                    do { _ = try TimeGrid(resolution: resolution) } catch let e as NetError { throw fail(path, v, e.message) }
                case "seed": seed = UInt64(try integer(v, path))
                case "normal_draws":
                    let text = try string(v, path)
                    guard let n = NormalDraws(rawValue: text) else {
                        throw fail(path, v, "must be one of \(NormalDraws.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")), got '\(text)'")
                    }
                    normals = n
                case "threads":
                    threads = try integer(v, path, min: 1)
                    if threads > 256 { throw fail(path, v, "threads must be <= 256, got \(threads)") }
                default:
                    for (s, sv) in try object(v, path, allowed: ["network", "stimulus", "state"]) {
                        let x = UInt64(try integer(sv, "\(path).\(s)"))
                        switch s {
                        case "network": explicit.network = x
                        case "stimulus": explicit.stimulus = x
                        default: explicit.state = x
                        }
                    }
                }
            }
        }
        if let s = seedOverride { seed = s }
        let grid = try! TimeGrid(resolution: resolution)

        guard let nodesNode = get("nodes") else { throw fail("nodes", root, "missing required key 'nodes'") }
        guard case let .array(nodeItems) = nodesNode.value else {
            throw fail("nodes", nodesNode, "expected an array of nodes, got \(nodesNode.value.typeName)")
        }
        var nodes: [NodeSpec] = []
        for (i, item) in nodeItems.enumerated() {
            nodes.append(try readNode(item, "nodes[\(i)]", existing: nodes, resolution: resolution))
        }

        var conns: [ConnectionSpec] = []
        if let c = get("connections") {
            guard case let .array(items) = c.value else { throw fail("connections", c, "expected an array, got \(c.value.typeName)") }
            for (i, item) in items.enumerated() {
                conns.append(try readConnection(item, "connections[\(i)]", nodes: nodes, grid: grid))
            }
        }

        var simulate = 1000.0
        if let s = get("simulate") {
            simulate = try finite(s, "simulate")
            guard simulate >= 0 else { throw fail("simulate", s, "must be >= 0 ms, got \(formatNumber(simulate))") }
            guard grid.isOnGrid(simulate) else { throw fail("simulate", s, "\(formatNumber(simulate)) ms is not a multiple of the resolution \(resolution) ms") }
        }
        var bisection: BisectionSpec?
        if let b = get("bisection") { bisection = try readBisection(b, nodes: nodes, grid: grid) }

        return ModelFile(path: file, name: name, description: description, resolution: resolution, seed: seed,
                         explicitSeeds: explicit, normals: normals, threads: threads, parameters: params, nodes: nodes,
                         connections: conns, simulate: simulate, bisection: bisection, document: root)
    }

    func readNode(_ item: Node, _ path: String, existing: [NodeSpec], resolution: Double) throws -> NodeSpec {
        let pairs = try object(item, path, allowed: ["name", "model", "n", "params", "slices"])
        func get(_ k: String) -> Node? { pairs.first { $0.key == k }?.value }
        guard let nameNode = get("name") else { throw fail(path, item, "missing required key 'name'") }
        let name = try string(nameNode, "\(path).name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw fail("\(path).name", nameNode, "a node name must be letters, digits, '_' or '-', got '\(name)'")
        }
        if existing.contains(where: { $0.name == name }) { throw fail("\(path).name", nameNode, "duplicate node name '\(name)'") }
        guard let modelNode = get("model") else { throw fail(path, item, "missing required key 'model'") }
        let model = try string(modelNode, "\(path).model")
        guard let spec = ModelCatalog.spec(model) else {
            let hint = suggestion(for: model, among: Kernel.models()).map { "; did you mean '\($0)'?" } ?? ""
            throw fail("\(path).model", modelNode, "unknown model '\(model)'\(hint)")
        }
        var n = 1
        if let nn = get("n") {
            n = try integer(nn, "\(path).n", min: 1)
            if n > 50_000_000 { throw fail("\(path).n", nn, "n = \(n) is too large (at most 50,000,000 per node)") }
        }
        if spec.kind == .recorder && n != 1 { throw fail("\(path).n", get("n"), "a recorder node has n 1") }
        var params: [(key: String, value: ParamValue)] = []
        if let p = get("params") {
            guard case let .object(items) = p.value else { throw fail("\(path).params", p, "expected an object, got \(p.value.typeName)") }
            for (k, v) in items {
                let ppath = "\(path).params.\(k)"
                guard let ps = spec.param(k) else {
                    do {
                        try kernel.checkKey(spec, k, .number(0), function: "")
                    } catch let e as NetError {
                        throw fail("\(path).params", v, "\(e.message.replacingOccurrences(of: "'\(k)'", with: "'\(k)' for \(model)"))")
                    }
                    throw fail(ppath, v, "unknown parameter '\(k)' for \(model)")
                }
                let value = try paramValue(v, ppath, ps, neuron: spec.kind == .neuron)
                do { try kernel.checkKey(spec, k, value, function: "") } catch let e as NetError {
                    throw fail(ppath, v, e.message)
                }
                params.append((k, value))
            }
            // Cross-parameter rules, checked on one neuron or device built with these values.
            let probe = try! Kernel(resolution: resolution)
            do {
                try probe.create(model, n: 1, params: Dictionary(params.map { p -> (String, ParamValue) in
                    if case .distribution = p.value { return (p.key, spec.param(p.key)!.defaultValue) }
                    return (p.key, p.value)
                }, uniquingKeysWith: { $1 }))
            } catch let e as NetError {
                throw fail("\(path).params", p, e.message)
            }
        }
        var node = NodeSpec(name: name, model: model, n: n, params: params)
        if let list = get("slices") {
            guard case let .array(items) = list.value else { throw fail("\(path).slices", list, "expected an array, got \(list.value.typeName)") }
            for (j, s) in items.enumerated() {
                let spath = "\(path).slices[\(j)]"
                let sp = try object(s, spath, allowed: ["range", "params"])
                func sget(_ k: String) -> Node? { sp.first { $0.key == k }?.value }
                guard let r = sget("range"), case let .array(ends) = r.value, ends.count == 2 else {
                    throw fail("\(spath).range", sget("range") ?? s, "expected [FIRST, END]: elements FIRST to END-1 of \(name)")
                }
                let a = try integer(ends[0], "\(spath).range[0]", min: 0), b = try integer(ends[1], "\(spath).range[1]", min: 0)
                guard a < b, b <= n else { throw fail("\(spath).range", r, "[\(a), \(b)] is not a slice of \(name), which has \(n) elements (FIRST < END <= \(n))") }
                guard let p = sget("params"), case let .object(entries) = p.value, !entries.isEmpty else {
                    throw fail("\(spath).params", sget("params") ?? s, "expected an object of parameters")
                }
                var values: [(key: String, value: ParamValue)] = []
                for (k, v) in entries {
                    guard let ps = spec.param(k) else { throw fail("\(spath).params", v, "unknown parameter '\(k)' for \(model)") }
                    if case .object = v.value { throw fail("\(spath).params.\(k)", v, "a slice's parameter is a value, not a distribution") }
                    let value = try paramValue(v, "\(spath).params.\(k)", ps, neuron: false)
                    do { try kernel.checkKey(spec, k, value, function: "") } catch let e as NetError { throw fail("\(spath).params.\(k)", v, e.message) }
                    values.append((k, value))
                }
                node.slices.append((a..<b, values))
            }
        }
        return node
    }

    func paramValue(_ v: Node, _ path: String, _ ps: ParamSpec, neuron: Bool) throws -> ParamValue {
        switch ps.kind {
        case .bool:
            return .bool(try bool(v, path))
        case .numbers:
            guard case let .array(items) = v.value else { throw fail(path, v, "expected an array of numbers, got \(v.value.typeName)") }
            return .numbers(try items.enumerated().map { try finite($1, "\(path)[\($0)]") })
        case .string:
            return .string(try string(v, path))
        case .strings:
            guard case let .array(items) = v.value else { throw fail(path, v, "expected an array of strings, got \(v.value.typeName)") }
            return .strings(try items.enumerated().map { try string($1, "\(path)[\($0)]") })
        case .number:
            if case .object = v.value {
                guard neuron else { throw fail(path, v, "a device parameter cannot be a distribution") }
                return .distribution(try distribution(v, path))
            }
            return .number(try number(v, path))
        }
    }

    func distribution(_ v: Node, _ path: String) throws -> Distribution {
        let pairs = try object(v, path, allowed: ["uniform", "normal", "lognormal"])
        guard pairs.count == 1, let (kind, body) = pairs.first else {
            throw fail(path, v, "a distribution is one of {\"uniform\": ...}, {\"normal\": ...}, {\"lognormal\": ...}")
        }
        let p = "\(path).\(kind)"
        let d: Distribution
        switch kind {
        case "uniform":
            let b = try object(body, p, allowed: ["min", "max"])
            guard let lo = b.first(where: { $0.key == "min" })?.value, let hi = b.first(where: { $0.key == "max" })?.value else {
                throw fail(p, body, "uniform needs min and max")
            }
            d = .uniform(min: try finite(lo, "\(p).min"), max: try finite(hi, "\(p).max"))
        case "normal":
            let b = try object(body, p, allowed: ["mean", "std", "min", "max"])
            func g(_ k: String) -> Node? { b.first { $0.key == k }?.value }
            guard let m = g("mean"), let s = g("std") else { throw fail(p, body, "normal needs mean and std") }
            d = .normal(mean: try finite(m, "\(p).mean"), std: try finite(s, "\(p).std"),
                        min: try g("min").map { try finite($0, "\(p).min") }, max: try g("max").map { try finite($0, "\(p).max") })
        default:
            let b = try object(body, p, allowed: ["mu", "sigma"])
            guard let m = b.first(where: { $0.key == "mu" })?.value, let s = b.first(where: { $0.key == "sigma" })?.value else {
                throw fail(p, body, "lognormal needs mu and sigma")
            }
            d = .lognormal(mu: try finite(m, "\(p).mu"), sigma: try finite(s, "\(p).sigma"))
        }
        do { try d.validate() } catch let e as NetError { throw fail(p, body, e.message) }
        return d
    }

    func selections(_ v: Node, _ path: String, nodes: [NodeSpec]) throws -> [Selection] {
        if case let .array(items) = v.value {
            guard !items.isEmpty else { throw fail(path, v, "an empty list selects nothing") }
            return try items.enumerated().flatMap { try selections($1, "\(path)[\($0)]", nodes: nodes) }
        }
        let text = try string(v, path)
        var nodeName = text
        var range: Range<Int>?
        if let open = text.firstIndex(of: "[") {
            guard text.hasSuffix("]") else { throw fail(path, v, "malformed selection '\(text)': expected NAME, NAME[i] or NAME[start:end]") }
            nodeName = String(text[..<open])
            let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let ints = parts.map { Int($0) }
            guard let node = nodes.first(where: { $0.name == nodeName }) else { throw unknownNode(nodeName, path, v, nodes) }
            if parts.count == 1, let i = ints[0] {
                guard i >= 0 && i < node.n else { throw fail(path, v, "index \(i) is out of range: \(nodeName) has \(node.n) elements (0...\(node.n - 1))") }
                range = i..<(i + 1)
            } else if parts.count == 2, let a = ints[0], let b = ints[1] {
                guard a >= 0, b <= node.n, a < b else {
                    throw fail(path, v, "slice \(a):\(b) is out of range: \(nodeName) has \(node.n) elements; need 0 <= start < end <= \(node.n)")
                }
                range = a..<b
            } else {
                throw fail(path, v, "malformed selection '\(text)': expected NAME, NAME[i] or NAME[start:end] with non-negative integers")
            }
        } else if !nodes.contains(where: { $0.name == nodeName }) {
            throw unknownNode(nodeName, path, v, nodes)
        }
        return [Selection(node: nodeName, range: range, text: text)]
    }

    func unknownNode(_ name: String, _ path: String, _ v: Node, _ nodes: [NodeSpec]) -> ModelFileError {
        let hint = suggestion(for: name, among: nodes.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
        return fail(path, v, "no node named '\(name)' (nodes must be defined in 'nodes' before use)\(hint)")
    }

    func readConnection(_ item: Node, _ path: String, nodes: [NodeSpec], grid: TimeGrid) throws -> ConnectionSpec {
        let pairs = try object(item, path, allowed: ["source", "target", "conn_spec", "syn_spec"])
        func get(_ k: String) -> Node? { pairs.first { $0.key == k }?.value }
        guard let s = get("source") else { throw fail(path, item, "missing required key 'source'") }
        guard let t = get("target") else { throw fail(path, item, "missing required key 'target'") }
        let source = try selections(s, "\(path).source", nodes: nodes)
        let target = try selections(t, "\(path).target", nodes: nodes)

        var conn = ConnSpec()
        if let c = get("conn_spec") {
            let cpath = "\(path).conn_spec"
            var rule = "all_to_all"
            var body: [(key: String, value: Node)] = []
            if case let .string(r) = c.value {
                rule = r
            } else {
                body = try object(c, cpath, allowed: ["rule", "indegree", "outdegree", "N", "p", "max_indegree",
                                                      "allow_autapses", "allow_multapses"])
                if let r = body.first(where: { $0.key == "rule" })?.value { rule = try string(r, "\(cpath).rule") }
            }
            guard ConnSpec.ruleNames.contains(rule) else {
                let hint = suggestion(for: rule, among: ConnSpec.ruleNames).map { "; did you mean '\($0)'?" } ?? ""
                throw fail(cpath, c, "unknown connection rule '\(rule)'\(hint)")
            }
            func key(_ k: String) -> Node? { body.first { $0.key == k }?.value }
            let own: [String: [String]] = ["fixed_indegree": ["indegree"], "fixed_outdegree": ["outdegree"],
                                           "fixed_total_number": ["N"], "pairwise_bernoulli": ["p", "max_indegree"]]
            for (k, v) in body where !["rule", "allow_autapses", "allow_multapses"].contains(k) && !(own[rule] ?? []).contains(k) {
                throw fail("\(cpath).\(k)", v, "'\(k)' does not belong to rule \(rule)")
            }
            func required(_ k: String) throws -> Node {
                guard let v = key(k) else { throw fail(cpath, c, "rule \(rule) needs '\(k)'") }
                return v
            }
            switch rule {
            case "one_to_one": conn.rule = .oneToOne
            case "fixed_indegree": conn.rule = .fixedIndegree(try integer(try required("indegree"), "\(cpath).indegree"))
            case "fixed_outdegree": conn.rule = .fixedOutdegree(try integer(try required("outdegree"), "\(cpath).outdegree"))
            case "fixed_total_number": conn.rule = .fixedTotalNumber(try integer(try required("N"), "\(cpath).N"))
            case "pairwise_bernoulli":
                let pn = try required("p")
                let p = try finite(pn, "\(cpath).p")
                guard p >= 0 && p <= 1 else { throw fail("\(cpath).p", pn, "p must be within [0, 1], got \(formatNumber(p))") }
                conn.rule = .pairwiseBernoulli(p: p, maxIndegree: try key("max_indegree").map { try integer($0, "\(cpath).max_indegree") })
            default: conn.rule = .allToAll
            }
            if let a = key("allow_autapses") { conn.allowAutapses = try bool(a, "\(cpath).allow_autapses") }
            if let m = key("allow_multapses") { conn.allowMultapses = try bool(m, "\(cpath).allow_multapses") }
            if case .fixedTotalNumber = conn.rule, !conn.allowMultapses {
                throw fail(cpath, c, "fixed_total_number requires allow_multapses true (as in NEST)")
            }
        }

        var syn = SynSpec()
        if let sn = get("syn_spec") {
            let spath = "\(path).syn_spec"
            for (k, v) in try object(sn, spath, allowed: ["synapse_model", "weight", "delay"]) {
                switch k {
                case "synapse_model":
                    let m = try string(v, "\(spath).synapse_model")
                    guard m == "static_synapse" else {
                        throw fail("\(spath).synapse_model", v, "synapse model '\(m)' is not supported; netview has static_synapse")
                    }
                case "weight":
                    if case .object = v.value { syn.weight = .random(try distribution(v, "\(spath).weight")) } else {
                        syn.weight = .constant(try finite(v, "\(spath).weight"))
                    }
                default:
                    if case .object = v.value { syn.delay = .random(try distribution(v, "\(spath).delay")) } else {
                        let d = try finite(v, "\(spath).delay")
                        guard grid.delaySteps(d) >= 1 else {
                            throw fail("\(spath).delay", v, "delay \(formatNumber(d)) ms is below the resolution \(grid.resolution) ms (it rounds to 0 steps)")
                        }
                        guard grid.delaySteps(d) <= Int(UInt16.max) else { throw fail("\(spath).delay", v, "delay \(formatNumber(d)) ms is too long") }
                        syn.delay = .constant(d)
                    }
                }
            }
        }
        // Direction of signal flow, checked here so that `check` catches it.
        let models = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.model) })
        let srcModels = Set(source.map { models[$0.node]! }), dstModels = Set(target.map { models[$0.node]! })
        let neuronModels = Set(ModelCatalog.all.filter { $0.kind == .neuron }.map(\.name))
        let meters: Set<String> = ["voltmeter", "multimeter"]
        if !dstModels.isDisjoint(with: meters) {
            throw fail("\(path).target", t, ConnSpec.illegal("a \(dstModels.intersection(meters).first!) connects to the neurons it samples: put it in 'source'"))
        }
        if dstModels.contains("spike_recorder") {
            guard dstModels == ["spike_recorder"], srcModels.isSubset(of: neuronModels.union(Kernel.spikeSources)) else {
                throw fail(path, item, ConnSpec.illegal("neurons and spike or Poisson generators connect to a spike_recorder; mix no other targets or sources with it"))
            }
            guard conn.mayReachDevices else { throw fail("\(path).conn_spec", get("conn_spec") ?? item, ConnSpec.noProxiesMessage) }
        } else if !srcModels.isDisjoint(with: meters) {
            guard srcModels.isSubset(of: meters), dstModels.isSubset(of: neuronModels.union(["dc_generator"])) else {
                throw fail(path, item, ConnSpec.illegal("a voltmeter or multimeter connects to neurons and dc_generators only"))
            }
        } else {
            if let bad = dstModels.subtracting(neuronModels).first {
                throw fail("\(path).target", t, ConnSpec.illegal("targets must be neurons; '\(bad)' is not (a spike_recorder is a target of neurons)"))
            }
            if srcModels.contains("spike_recorder") {
                throw fail("\(path).source", s, ConnSpec.illegal("a spike_recorder receives spikes: put it in 'target'"))
            }
        }
        var targetText = t.value, sourceText = s.value
        if case .array = targetText {} else { targetText = t.value }
        if case .array = sourceText {} else { sourceText = s.value }
        return ConnectionSpec(source: source, target: target, sourceText: sourceText, targetText: targetText, conn: conn, syn: syn)
    }

    func readBisection(_ b: Node, nodes: [NodeSpec], grid: TimeGrid) throws -> BisectionSpec {
        let p = "bisection"
        let pairs = try object(b, p, allowed: ["vary", "measure", "target", "lower", "upper", "xtol", "t_eval", "reset_between", "label"])
        func get(_ k: String) throws -> Node {
            guard let v = pairs.first(where: { $0.key == k })?.value else { throw fail(p, b, "missing required key '\(k)'") }
            return v
        }
        let vary = try get("vary")
        let v = try object(vary, "\(p).vary", allowed: ["node", "param", "scale"])
        guard let vn = v.first(where: { $0.key == "node" })?.value, let vp = v.first(where: { $0.key == "param" })?.value else {
            throw fail("\(p).vary", vary, "vary needs node and param")
        }
        let nodeName = try string(vn, "\(p).vary.node")
        guard let node = nodes.first(where: { $0.name == nodeName }) else { throw unknownNode(nodeName, "\(p).vary.node", vn, nodes) }
        let param = try string(vp, "\(p).vary.param")
        guard let ps = ModelCatalog.spec(node.model)?.param(param), ps.kind == .number else {
            throw fail("\(p).vary.param", vp, "\(node.model) has no numeric parameter '\(param)'")
        }
        let scale = try v.first(where: { $0.key == "scale" }).map { try finite($0.value, "\(p).vary.scale") } ?? 1
        let measure = try get("measure")
        let m = try object(measure, "\(p).measure", allowed: ["recorder"])
        guard let mr = m.first?.value else { throw fail("\(p).measure", measure, "measure needs recorder") }
        let rec = try string(mr, "\(p).measure.recorder")
        guard let rn = nodes.first(where: { $0.name == rec }) else { throw unknownNode(rec, "\(p).measure.recorder", mr, nodes) }
        guard rn.model == "spike_recorder" else { throw fail("\(p).measure.recorder", mr, "'\(rec)' is a \(rn.model), not a spike_recorder") }
        let lower = try finite(try get("lower"), "\(p).lower"), upper = try finite(try get("upper"), "\(p).upper")
        guard lower < upper else { throw fail(p, b, "lower must be < upper, got \(formatNumber(lower)) and \(formatNumber(upper))") }
        let xtol = try finite(try get("xtol"), "\(p).xtol")
        guard xtol > 0 else { throw fail("\(p).xtol", try get("xtol"), "xtol must be > 0") }
        let tEvalNode = try get("t_eval")
        let tEval = try finite(tEvalNode, "\(p).t_eval")
        guard tEval > 0, grid.isOnGrid(tEval) else { throw fail("\(p).t_eval", tEvalNode, "t_eval must be > 0 and a multiple of the resolution") }
        var reset = false
        if let r = pairs.first(where: { $0.key == "reset_between" })?.value { reset = try bool(r, "\(p).reset_between") }
        return BisectionSpec(node: nodeName, param: param, scale: scale, recorder: rec,
                             target: try finite(try get("target"), "\(p).target"), lower: lower, upper: upper,
                             xtol: xtol, tEval: tEval, resetBetween: reset,
                             label: try pairs.first(where: { $0.key == "label" }).map { try string($0.value, "\(p).label") })
    }
}

extension ModelFile {
    /// A selection as a connection's `source` or `target` writes it (`E`, `E[3]`, `E[0:50]`),
    /// checked against the nodes; an error names `option` where the file's name would be.
    public func selection(_ text: String, option: String) throws -> Selection {
        try ModelFileReader(file: option, overrides: [:]).selections(Node(.string(text)), "", nodes: nodes)[0]
    }
}
