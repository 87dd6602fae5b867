/// Builds a context statement: for each context level (one, or several for a nested context) a
/// statement whose ``ContextFront`` starts a copy of the next level per partition, down to the
/// statement itself, compiled with `context` bound to its partition's properties (`context.key1`; for
/// a nested context `context.Level.key1` per level and `context.name`).
struct ContextChain {
    let statement: StatementPlan
    let name: String
    let levels: [ContextDeclaration]
    /// The nested context's name (`nil` for a single context).
    let nestedName: String?

    private static let contextVariable = VariableDeclaration("context", type: .any, constant: true)

    /// The statement of level `level` and below, inside partitions whose properties are `properties`
    /// (one object per level above, by name).
    func statement(
        from level: Int,
        properties: [ValueMap.Entry],
        env: inout CompileEnvironment
    ) throws(PlanError) -> Statement {
        guard level < self.levels.count else {
            env.variables["context"] = VariableCell(Self.contextVariable, value: self.contextValue(properties))
            let s = try StatementCompiler.compile(self.statement, name: self.name, env: &env)
            guard env.companions.isEmpty else {
                throw PlanError(.invalid, "subqueries in a statement of a context are not supported")
            }
            return s
        }
        let declaration = self.levels[level]
        let placeholder = properties + [ValueMap.Entry(key: declaration.name, value: .object([:]))]
        let prototype = try self.statement(from: level + 1, properties: placeholder, env: &env)
        let rules = try ContextCompiler.compile(declaration, env: env)
        let chain = self
        let front = ContextFront(rules: rules, prototype: prototype, maxPartitions: env.limits.maxContextPartitions) {
            runtime,
            own throws(PlanError) in
            var env = runtime.compileEnvironment()
            let next = properties + [ValueMap.Entry(key: declaration.name, value: own)]
            return try chain.statement(from: level + 1, properties: next, env: &env)
        }
        return Statement(
            name: self.name,
            source: .select(self.statement),
            context: prototype.context,
            front: front,
            processor: nil,
            limiter: OutputLimiter(nil),
            insertTarget: nil
        )
    }

    /// What `context` reads: a single context's partition properties, or (nested) each level's by name.
    private func contextValue(_ properties: [ValueMap.Entry]) -> Value {
        guard let nestedName = self.nestedName else { return properties.last?.value ?? .object([:]) }
        return .object(ValueMap([ValueMap.Entry(key: "name", value: .string(nestedName))] + properties))
    }
}
