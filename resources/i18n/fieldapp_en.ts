<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>DeconflictPanel</name>
    <message numerus="yes">
        <location filename="../../fieldapp/ui/deconflict.py" line="+594"/>
        <source>All incidents: %n candidate(s)</source>
        <translation>
            <numerusform>All incidents: %n candidate</numerusform>
            <numerusform>All incidents: %n candidates</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message numerus="yes">
        <location filename="../../fieldapp/ui/evidence.py" line="+470"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n item(s) (first {limit} shown)</source>
        <translation>
            <numerusform>%n item (first {limit} shown)</numerusform>
            <numerusform>%n items (first {limit} shown)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message numerus="yes">
        <location filename="../../fieldapp/ui/history.py" line="+218"/>
        <source>%n version(s), newest first.</source>
        <translation>
            <numerusform>%n version, newest first.</numerusform>
            <numerusform>%n versions, newest first.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentEditor</name>
    <message numerus="yes">
        <location filename="../../fieldapp/ui/incident_editor.py" line="+300"/>
        <source>Not saved: %n problem(s) to correct first (listed below).</source>
        <translation>
            <numerusform>Not saved: %n problem to correct first (listed below).</numerusform>
            <numerusform>Not saved: %n problems to correct first (listed below).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+796"/>
        <source>%n problem(s) to correct before saving:</source>
        <translation>
            <numerusform>%n problem to correct before saving:</numerusform>
            <numerusform>%n problems to correct before saving:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReleaseGatePanel</name>
    <message numerus="yes">
        <location filename="../../fieldapp/ui/release_gate.py" line="+364"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n finding</numerusform>
            <numerusform>%n findings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n blocking</source>
        <translation>
            <numerusform>%n blocking</numerusform>
            <numerusform>%n blocking</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+83"/>
        <source>%n blocking finding(s): this release cannot be approved.</source>
        <translation>
            <numerusform>%n blocking finding: this release cannot be approved.</numerusform>
            <numerusform>%n blocking findings: this release cannot be approved.</numerusform>
        </translation>
    </message>
</context>
</TS>
