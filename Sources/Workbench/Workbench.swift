import CNcursesw
public enum WorkbenchInfo {}
