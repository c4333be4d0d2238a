import NetCore
public enum SessionInfo {}
