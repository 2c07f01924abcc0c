<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <location filename="../../fieldapp/ui/hq_panels.py" line="+191"/>
        <source>&amp;Import bundles…</source>
        <translation>Bundels &amp;importeren…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import progress</source>
        <translation>Voortgang import</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop before the next step (Escape); no bundle is half-imported</source>
        <translation>Stoppen voor de volgende stap (Escape); geen bundel wordt half geïmporteerd</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>or drop .chmb files here</source>
        <translation>of zet .chmb-bestanden hier neer</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>One line per bundle after an import.</source>
        <translation>Na een import één regel per bundel.</translation>
    </message>
    <message>
        <location line="+37"/>
        <location line="+257"/>
        <source>Locked.</source>
        <translation>Vergrendeld.</translation>
    </message>
    <message>
        <location line="-255"/>
        <source>This is a field vault: it has no inbox.</source>
        <translation>Dit is een veldkluis: die heeft geen inbox.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Import bundles</source>
        <translation>Bundels importeren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Bundles (*.chmb);;All files (*)</source>
        <translation>Bundels (*.chmb);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Importing…</source>
        <translation>Importeren…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Bundle {n} of {count}: {stage}…</source>
        <translation>Bundel {n} van {count}: {stage}…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Import cancelled: {s}.</source>
        <translation>Import geannuleerd: {s}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import finished: {s}.</source>
        <translation>Import voltooid: {s}.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Cancelling…</source>
        <translation>Annuleren…</translation>
    </message>
    <message>
        <location line="+85"/>
        <source>&amp;Enrol device…</source>
        <translation>Apparaat &amp;inschrijven…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;voke…</source>
        <translation>&amp;Intrekken…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export recipient &amp;list…</source>
        <translation>Ontvangerslijst &amp;exporteren…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>trust bundles up to seq </source>
        <translation>bundels vertrouwen tot en met volgnummer </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust bundles up to seq</source>
        <translation>Bundels vertrouwen tot en met volgnummer</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>This is a field vault: devices are enrolled at HQ.</source>
        <translation>Dit is een veldkluis: apparaten worden bij het HK ingeschreven.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Open an enrolment request</source>
        <translation>Inschrijvingsverzoek openen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All files (*)</source>
        <translation>Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Enrolment request from analyst {analyst}, device code {code}.

Fingerprint:
{fingerprint}

Compare the code and fingerprint with the analyst&apos;s device by phone or in person, not through the channel that brought this file. Enrol only if they match.</source>
        <translation>Inschrijvingsverzoek van analist {analyst}, apparaatcode {code}.

Vingerafdruk:
{fingerprint}

Vergelijk de code en de vingerafdruk met het apparaat van de analist, telefonisch of persoonlijk, niet via het kanaal waarlangs dit bestand kwam. Schrijf alleen in als ze overeenkomen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Yes, enrol and save the certificate…</source>
        <translation>&amp;Ja, inschrijven en certificaat opslaan…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I &amp;compared the code and fingerprint with the analyst and they match</source>
        <translation>Ik heb de code en de vingerafdruk met de analist &amp;vergeleken en ze komen overeen</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save the device certificate</source>
        <translation>Apparaatcertificaat opslaan</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not enrolled: no file was chosen.</source>
        <translation>Niet ingeschreven: er is geen bestand gekozen.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Device {code} enrolled. Give the analyst both files: the certificate {cert} and the recipient list {listing}, and read them HQ&apos;s root fingerprint {root}.</source>
        <translation>Apparaat {code} ingeschreven. Geef de analist beide bestanden: het certificaat {cert} en de ontvangerslijst {listing}, en lees de vingerafdruk van de HK-hoofdsleutel voor: {root}.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Revoke device {code} (analyst {analyst})? HQ will refuse every bundle of this device after the seq below ({last} is the last imported). Trust only ever narrows: this cannot be undone.</source>
        <translation>Apparaat {code} (analist {analyst}) intrekken? Het HK weigert elke bundel van dit apparaat na het volgnummer hieronder ({last} is het laatst geïmporteerde). Vertrouwen wordt alleen ooit beperkt: dit kan niet ongedaan worden gemaakt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Yes, revoke the device</source>
        <translation>&amp;Ja, apparaat intrekken</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Device {code} revoked: its bundles after seq {seq} are refused.</source>
        <translation>Apparaat {code} ingetrokken: bundels na volgnummer {seq} worden geweigerd.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Save the recipient list</source>
        <translation>Ontvangerslijst opslaan</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Recipient list version {version} written to {path}.</source>
        <translation>Ontvangerslijst versie {version} geschreven naar {path}.</translation>
    </message>
</context>
<context>
    <name>AddReviewerDialog</name>
    <message>
        <location filename="../../fieldapp/ui/review_assess.py" line="+349"/>
        <source>Add reviewer</source>
        <translation>Beoordelaar toevoegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Add reviewer</source>
        <translation>&amp;Beoordelaar toevoegen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A reviewer opens this HQ vault with their own passphrase: they read every record and save assessments under their pseudonym. Importing bundles, erasing, editing records, managing keys and enrolling devices are refused to them. Let them type the passphrase themselves.</source>
        <translation>Een beoordelaar opent deze HK-kluis met een eigen wachtwoordzin: die leest elk record en slaat beoordelingen op onder diens pseudoniem. Bundels importeren, wissen, records bewerken, sleutels beheren en apparaten inschrijven zijn voor een beoordelaar niet toegestaan. Laat de beoordelaar de wachtwoordzin zelf typen.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Adding reviewer {user}… deriving their key takes a few seconds.</source>
        <translation>Beoordelaar {user} toevoegen… het afleiden van de sleutel duurt enkele seconden.</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <location filename="../../fieldapp/ui/vault_admin.py" line="+332"/>
        <source>Add user</source>
        <translation>Gebruiker toevoegen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The new user opens this same vault with their own passphrase. Everything they change carries their pseudonym. Let them type the passphrase themselves.</source>
        <translation>De nieuwe gebruiker opent dezelfde kluis met een eigen wachtwoordzin. Alles wat die wijzigt, draagt diens pseudoniem. Laat de gebruiker de wachtwoordzin zelf typen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>e.g. analyst-12 (not a real name)</source>
        <translation>bijv. analist-12 (geen echte naam)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Add user</source>
        <translation>Gebruiker &amp;toevoegen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Analyst &amp;pseudonym:</source>
        <translation>&amp;Pseudoniem analist:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Their passphrase:</source>
        <translation>&amp;Diens wachtwoordzin:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Repeat:</source>
        <translation>&amp;Herhalen:</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Give the new user&apos;s analyst pseudonym.</source>
        <translation>Geef het analistenpseudoniem van de nieuwe gebruiker.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The pseudonym cannot contain control or invisible characters.</source>
        <translation>Het pseudoniem mag geen stuur- of onzichtbare tekens bevatten.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Adding {user}… deriving their key takes a few seconds.</source>
        <translation>{user} toevoegen… het afleiden van de sleutel duurt enkele seconden.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Added {user}. They can now unlock this vault with their own passphrase.</source>
        <translation>{user} toegevoegd. Die kan deze kluis nu met een eigen wachtwoordzin ontgrendelen.</translation>
    </message>
</context>
<context>
    <name>AssessDialog</name>
    <message>
        <location filename="../../fieldapp/ui/review_assess.py" line="-306"/>
        <source>Assess incident</source>
        <translation>Incident beoordelen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Why: sources, imagery, what was ruled out…</source>
        <translation>Waarom: bronnen, beeldmateriaal, wat is uitgesloten…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Public &amp;category:</source>
        <translation>Openbare &amp;categorie:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal &amp;grade:</source>
        <translation>Interne &amp;waardering:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Belligerent view:</source>
        <translation>&amp;Standpunt strijdende partij:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Rationale:</source>
        <translation>&amp;Onderbouwing:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Assessor:</source>
        <translation>&amp;Beoordelaar:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;History of HQ&apos;s assessments:</source>
        <translation>&amp;Geschiedenis van de HK-beoordelingen:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>History of HQ&apos;s assessments</source>
        <translation>Geschiedenis van de HK-beoordelingen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Save assessment</source>
        <translation>Beoordeling o&amp;pslaan</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+200"/>
        <source>Store this assessment (Ctrl+Return)</source>
        <translation>Deze beoordeling opslaan (Ctrl+Return)</translation>
    </message>
    <message>
        <location line="-171"/>
        <source>Loading…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading the assessment…</source>
        <translation>Beoordeling laden…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Category recorded in the field: {category}</source>
        <translation>Categorie vastgelegd in het veld: {category}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not assessed at HQ yet.</source>
        <translation>Nog niet beoordeeld door het HK.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>v{version} · {at} · {assessor}</source>
        <translation>v{version} · {at} · {assessor}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>v{version} · {at} · {assessor} (saved by {author})</source>
        <translation>v{version} · {at} · {assessor} (opgeslagen door {author})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Category {category} · grade {grade} · belligerent view {view}</source>
        <translation>Categorie {category} · waardering {grade} · standpunt strijdende partij {view}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{field}: {old} → {new}</source>
        <translation>{field}: {old} → {new}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Public category</source>
        <translation>Openbare categorie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal grade</source>
        <translation>Interne waardering</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belligerent view</source>
        <translation>Standpunt strijdende partij</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rationale</source>
        <translation>Onderbouwing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assessor</source>
        <translation>Beoordelaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Assessment saved as version {version}.</source>
        <translation>Beoordeling opgeslagen als versie {version}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saving the assessment…</source>
        <translation>Beoordeling opslaan…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Loading the incident…</source>
        <translation>Incident laden…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give a rationale and an assessor first</source>
        <translation>Geef eerst een onderbouwing en een beoordelaar op</translation>
    </message>
</context>
<context>
    <name>AuditEntryModel</name>
    <message>
        <location filename="../../fieldapp/ui/auditlog_view.py" line="+44"/>
        <source>Time (UTC)</source>
        <translation>Tijd (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>Samenvatting</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leaf hash</source>
        <translation>Bladhash</translation>
    </message>
</context>
<context>
    <name>AuditLogView</name>
    <message>
        <location line="+81"/>
        <source>◀ N&amp;ewer</source>
        <translation>◀ &amp;Nieuwer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>O&amp;lder ▶</source>
        <translation>O&amp;uder ▶</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Verif&amp;y log</source>
        <translation>Log &amp;verifiëren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recompute every entry and checkpoint of the tamper-evident log</source>
        <translation>Elke regel en elk controlepunt van het manipulatiebestendige log opnieuw berekenen</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Locked</source>
        <translation>Vergrendeld</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The log is empty</source>
        <translation>Het log is leeg</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Entries {first}–{last} of {size}, newest first</source>
        <translation>Regels {first}–{last} van {size}, nieuwste eerst</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Verifying the log…</source>
        <translation>Log wordt geverifieerd…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{title}: {message}</source>
        <translation>{title}: {message}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>✓ Log verified: {size} entries and {checkpoints} signed checkpoints recomputed, no problems.</source>
        <translation>✓ Log geverifieerd: {size} regels en {checkpoints} ondertekende controlepunten opnieuw berekend, geen problemen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>✗ Log verification FAILED ({count} problems):</source>
        <translation>✗ Logverificatie MISLUKT ({count} problemen):</translation>
    </message>
</context>
<context>
    <name>BreakdownGrid</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="+346"/>
        <source>Killed (min – max)</source>
        <translation>Gedood (min – max)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Injured (min – max)</source>
        <translation>Gewond (min – max)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unknown age/sex</source>
        <translation>Leeftijd/geslacht onbekend</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{outcome}, {group}: minimum</source>
        <translation>{outcome}, {group}: minimum</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{outcome}, {group}: maximum</source>
        <translation>{outcome}, {group}: maximum</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Total</source>
        <translation>Totaal</translation>
    </message>
</context>
<context>
    <name>ChangePassphraseDialog</name>
    <message>
        <location filename="../../fieldapp/ui/vault_admin.py" line="-196"/>
        <source>Change passphrase</source>
        <translation>Wachtwoordzin wijzigen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Change passphrase</source>
        <translation>Wachtwoordzin &amp;wijzigen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>C&amp;urrent passphrase:</source>
        <translation>&amp;Huidige wachtwoordzin:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;New passphrase:</source>
        <translation>&amp;Nieuwe wachtwoordzin:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Repeat new:</source>
        <translation>Nieuwe &amp;herhalen:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>New passphrase for {user}. The vault&apos;s data stays as it is; from now on only the new passphrase opens it for {user}. Other users keep their own.</source>
        <translation>Nieuwe wachtwoordzin voor {user}. De gegevens in de kluis blijven zoals ze zijn; voortaan opent alleen de nieuwe wachtwoordzin de kluis voor {user}. Andere gebruikers houden hun eigen wachtwoordzin.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Type your current passphrase.</source>
        <translation>Typ uw huidige wachtwoordzin.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The new passphrase is the same as the current one.</source>
        <translation>De nieuwe wachtwoordzin is gelijk aan de huidige.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Changing the passphrase… deriving the new key takes a few seconds.</source>
        <translation>Wachtwoordzin wordt gewijzigd… het afleiden van de nieuwe sleutel duurt enkele seconden.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Passphrase changed for {user}. Use the new one from now on.</source>
        <translation>Wachtwoordzin gewijzigd voor {user}. Gebruik voortaan de nieuwe.</translation>
    </message>
</context>
<context>
    <name>CheckDialog</name>
    <message>
        <location line="+130"/>
        <source>Check integrity</source>
        <translation>Integriteit controleren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checks every encrypted page, the database structure and the tamper-evident audit log. Run it before exporting to HQ.</source>
        <translation>Controleert elke versleutelde pagina, de databasestructuur en het manipulatiebestendige auditlog. Voer dit uit voordat u naar het HK exporteert.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Check &amp;again</source>
        <translation>&amp;Opnieuw controleren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Checking…</source>
        <translation>Controleren…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checking the vault… this reads the whole database.</source>
        <translation>De kluis wordt gecontroleerd… dit leest de hele database.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Vault OK: no problems found.</source>
        <translation>Kluis in orde: geen problemen gevonden.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Problems found: {n}. Do not export; tell HQ.</source>
        <translation>Problemen gevonden: {n}. Niet exporteren; meld het aan het HK.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The check could not run.</source>
        <translation>De controle kon niet worden uitgevoerd.</translation>
    </message>
</context>
<context>
    <name>CheckMatrix</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="+250"/>
        <source>{code} (not in list)</source>
        <translation>{code} (niet in lijst)</translation>
    </message>
</context>
<context>
    <name>ConfirmBox</name>
    <message>
        <location filename="../../fieldapp/ui/sync_panel.py" line="+145"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../fieldapp/ui/crash.py" line="+108"/>
        <source>Unexpected error</source>
        <translation>Onverwachte fout</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>fieldapp stopped unexpectedly the last time it ran. Nothing was saved half-way: the vault keeps only completed changes. The report below holds code locations only, no case data; please copy it for the developers.</source>
        <translation>fieldapp is de vorige keer onverwacht gestopt. Er is niets half opgeslagen: de kluis bewaart alleen voltooide wijzigingen. Het rapport hieronder bevat alleen codelocaties, geen zaakgegevens; kopieer het voor de ontwikkelaars.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Something went wrong that the app did not expect. Your data is safe: nothing was saved half-way. The report below holds code locations only, no case data; please copy it for the developers.</source>
        <translation>Er ging iets mis dat de app niet verwachtte. Uw gegevens zijn veilig: er is niets half opgeslagen. Het rapport hieronder bevat alleen codelocaties, geen zaakgegevens; kopieer het voor de ontwikkelaars.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Report:</source>
        <translation>&amp;Rapport:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Copy report</source>
        <translation>Rapport &amp;kopiëren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copied.</source>
        <translation>Gekopieerd.</translation>
    </message>
</context>
<context>
    <name>CreateVaultWizard</name>
    <message>
        <location filename="../../fieldapp/ui/wizard.py" line="+261"/>
        <source>fieldapp: new vault</source>
        <translation>fieldapp: nieuwe kluis</translation>
    </message>
</context>
<context>
    <name>CustodyPdf</name>
    <message>
        <location filename="../../fieldapp/ui/custody_pdf.py" line="+38"/>
        <source>capture</source>
        <translation>vastlegging</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ingest</source>
        <translation>invoer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bundle export</source>
        <translation>bundelexport</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ inbox</source>
        <translation>HK-inbox</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>import</source>
        <translation>import</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>receipt</source>
        <translation>ontvangstbewijs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>package</source>
        <translation>pakket</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+174"/>
        <source>Chain of custody</source>
        <translation>Bewaarketen</translation>
    </message>
    <message>
        <location line="-171"/>
        <source>Incident id: {id}</source>
        <translation>Incident-id: {id}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cell: {cell}</source>
        <translation>Cel: {cell}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Package made by {who} at {hq}, {at} (UTC)</source>
        <translation>Pakket gemaakt door {who} bij {hq}, {at} (UTC)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HQ root key (confirm out of band):</source>
        <translation>Hoofdsleutel van het HK (langs een ander kanaal bevestigen):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Witness identities: included (reason logged)</source>
        <translation>Identiteit van getuigen: opgenomen (reden gelogd)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Witness identities: withheld</source>
        <translation>Identiteit van getuigen: weggelaten</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This incident has no evidence originals.</source>
        <translation>Dit incident heeft geen originele bewijsstukken.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Item {n}: {name} ({type}, {size} bytes)</source>
        <translation>Stuk {n}: {name} ({type}, {size} bytes)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Evidence record {id}</source>
        <translation>Bewijsstukrecord {id}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-256 {sha}</source>
        <translation>SHA-256 {sha}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(time not known)</source>
        <translation>(tijd onbekend)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Record versions in this package</source>
        <translation>Recordversies in dit pakket</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (identity withheld)</source>
        <translation> (identiteit weggelaten)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>device</source>
        <translation>apparaat</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Every hash above can be checked with tools/verify_package.py or by hand (VERIFY.txt).</source>
        <translation>Elke hash hierboven is te controleren met tools/verify_package.py of met de hand (VERIFY.txt).</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Page {n} of {count}</source>
        <translation>Pagina {n} van {count}</translation>
    </message>
</context>
<context>
    <name>DeconflictPanel</name>
    <message>
        <location filename="../../fieldapp/ui/deconflict.py" line="+110"/>
        <location line="+17"/>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Records</source>
        <translation>Records</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mapping</source>
        <translation>Toewijzing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated (UTC)</source>
        <translation>Bijgewerkt (UTC)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Line</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+11"/>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+11"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Position</source>
        <translation>Positie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belligerent</source>
        <translation>Strijdende partij</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Munition</source>
        <translation>Munitie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem</source>
        <translation>Probleem</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Place</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reasons</source>
        <translation>Redenen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>So&amp;urces</source>
        <translation>&amp;Bronnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Matc&amp;hes</source>
        <translation>Overeenko&amp;msten</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>e.g. airwars</source>
        <translation>bijv. airwars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose &amp;file…</source>
        <translation>Bestand kie&amp;zen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose the CSV file (Ctrl+O)</source>
        <translation>Het CSV-bestand kiezen (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No file chosen.</source>
        <translation>Geen bestand gekozen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Airwars-style (not an official format)</source>
        <translation>Airwars-stijl (geen officieel formaat)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom mapping</source>
        <translation>Eigen toewijzing</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Column mapping (JSON)</source>
        <translation>Kolomtoewijzing (JSON)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Which CSV column holds each field, and how dates are written (ISO, DD/MM/YYYY, ...). Saved with the source and used again at its next import.</source>
        <translation>Welke CSV-kolom elk veld bevat en hoe datums geschreven zijn (ISO, DD/MM/YYYY, ...). Wordt met de bron opgeslagen en bij de volgende import opnieuw gebruikt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Preview</source>
        <translation>&amp;Voorbeeld</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read the first rows with this mapping (Ctrl+R)</source>
        <translation>De eerste rijen met deze toewijzing lezen (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Impor&amp;t</source>
        <translation>Import &amp;uitvoeren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import all rows, or none if one is wrong (Ctrl+Shift+I)</source>
        <translation>Alle rijen importeren, of geen enkele als er één fout is (Ctrl+Shift+I)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import progress</source>
        <translation>Voortgang import</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Source &amp;name:</source>
        <translation>Bron&amp;naam:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>File:</source>
        <translation>Bestand:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>La&amp;yout:</source>
        <translation>&amp;Formaat:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Co&amp;lumn mapping:</source>
        <translation>Kolomtoewi&amp;jzing:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Imported sources</source>
        <translation>Geïmporteerde bronnen</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Reference code or id</source>
        <translation>Referentiecode of id</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> days</source>
        <translation> dagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time window</source>
        <translation>Tijdvenster</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Radius</source>
        <translation>Radius</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Find candidates</source>
        <translation>Kandidaten &amp;zoeken</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Candidates for this incident (Enter in the incident field; Ctrl+F goes there)</source>
        <translation>Kandidaten voor dit incident (Enter in het incidentveld; Ctrl+F gaat erheen)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A&amp;ll incidents</source>
        <translation>&amp;Voor alle incidenten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Candidates for every incident (Ctrl+Shift+F)</source>
        <translation>Kandidaten voor elk incident (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No external reference or accepted match yet.</source>
        <translation>Nog geen externe referentie of goedgekeurde overeenkomst.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Linked external records</source>
        <translation>Gekoppelde externe records</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Selected candidate</source>
        <translation>Geselecteerde kandidaat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Why (kept in the audit log)</source>
        <translation>Waarom (wordt in het auditlog bewaard)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acce&amp;pt match</source>
        <translation>Overeenkomst &amp;goedkeuren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The external record describes this incident (Ctrl+Return)</source>
        <translation>Het externe record beschrijft dit incident (Ctrl+Return)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Re&amp;ject</source>
        <translation>A&amp;fwijzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not this incident; never proposed again (Ctrl+Delete)</source>
        <translation>Niet dit incident; wordt nooit meer voorgesteld (Ctrl+Delete)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Inciden&amp;t:</source>
        <translation>I&amp;ncident:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wi&amp;ndow:</source>
        <translation>Ti&amp;jdvenster:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Radius (&amp;km):</source>
        <translation>Radi&amp;us (km):</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>R&amp;eason:</source>
        <translation>R&amp;eden:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Locked.</source>
        <translation>Vergrendeld.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>custom</source>
        <translation>eigen</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>External dataset</source>
        <translation>Externe dataset</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-bestanden (*.csv);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Some rows would be refused; the import takes all rows or none.</source>
        <translation>Sommige rijen zouden worden geweigerd; de import neemt alle rijen of geen enkele.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Columns: {columns}</source>
        <translation>Kolommen: {columns}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Importing…</source>
        <translation>Importeren…</translation>
    </message>
    <message numerus="yes">
        <location line="+63"/>
        <source>All incidents: %n candidate(s)</source>
        <translation>
            <numerusform>Alle incidenten: %n kandidaat</numerusform>
            <numerusform>Alle incidenten: %n kandidaten</numerusform>
        </translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No candidate in this window and radius.</source>
        <translation>Geen kandidaat binnen dit tijdvenster en deze radius.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{system} {id} (in the incident record)</source>
        <translation>{system} {id} (in het incidentrecord)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{system} {id} accepted by {who} {at}: {reason}</source>
        <translation>{system} {id} goedgekeurd door {who} {at}: {reason}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{source} {id}: {date}, {place}</source>
        <translation>{source} {id}: {date}, {place}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Belligerent: {b}; munition: {m}; civilians killed: {k}</source>
        <translation>Strijdende partij: {b}; munitie: {m}; gedode burgers: {k}</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Say why first (the reason is logged).</source>
        <translation>Geef eerst aan waarom (de reden wordt gelogd).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} {id} accepted for {ref}.</source>
        <translation>{source} {id} goedgekeurd voor {ref}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{source} {id} rejected for {ref}; it will not be proposed again.</source>
        <translation>{source} {id} afgewezen voor {ref}; het wordt niet meer voorgesteld.</translation>
    </message>
</context>
<context>
    <name>DeviceDialog</name>
    <message>
        <location filename="../../fieldapp/ui/device.py" line="+63"/>
        <source>This device</source>
        <translation>Dit apparaat</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Field device</source>
        <translation>Veldapparaat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>HQ</source>
        <translation>HK</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cell:</source>
        <translation>Cel:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role:</source>
        <translation>Rol:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device code:</source>
        <translation>Apparaatcode:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fingerprint:</source>
        <translation>Vingerafdruk:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Device id, code and public key, for HQ to scan</source>
        <translation>Apparaat-id, code en publieke sleutel, voor het HK om te scannen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ compares this fingerprint when it enrolls the device. Read it out over a separate channel (phone, in person); never only over the link the bundles use.</source>
        <translation>Het HK vergelijkt deze vingerafdruk bij het inschrijven van het apparaat. Lees hem voor via een apart kanaal (telefoon, persoonlijk); nooit alleen via de verbinding die de bundels gebruiken.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Copy fingerprint</source>
        <translation>Vingerafdruk &amp;kopiëren</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <location filename="../../fieldapp/ui/wizard.py" line="-45"/>
        <source>Vault created</source>
        <translation>Kluis aangemaakt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the passphrase safe. Below is this device&apos;s identity for HQ.</source>
        <translation>Bewaar de wachtwoordzin goed. Hieronder staat de identiteit van dit apparaat voor het HK.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Device code:</source>
        <translation>Apparaatcode:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fingerprint:</source>
        <translation>Vingerafdruk:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The fingerprint is also under Vault ▸ Device… Press Finish to open the incident register.</source>
        <translation>De vingerafdruk staat ook onder Kluis ▸ Apparaat… Druk op Voltooien om het incidentenregister te openen.</translation>
    </message>
</context>
<context>
    <name>EraseDialog</name>
    <message>
        <location filename="../../fieldapp/ui/vault_admin.py" line="+20"/>
        <source>Erase vault</source>
        <translation>Kluis wissen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This destroys the vault for good.</source>
        <translation>Dit vernietigt de kluis definitief.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>To confirm, type the cell name exactly as shown here:</source>
        <translation>Typ ter bevestiging de celnaam precies zoals hier getoond:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Cell name:</source>
        <translation>&amp;Celnaam:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Erase vault</source>
        <translation>Kluis &amp;wissen</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Everything in this vault will be destroyed: every incident and observation, their whole history, the audit log, all evidence files and this device&apos;s identity. The key is destroyed first, so nothing can be recovered, not even from a backup of the database. There is no undo. Export anything HQ still needs before you erase.</source>
        <translation>Alles in deze kluis wordt vernietigd: elk incident en elke waarneming, hun volledige geschiedenis, het auditlog, alle bewijsbestanden en de identiteit van dit apparaat. Eerst wordt de sleutel vernietigd, zodat niets te herstellen is, ook niet uit een back-up van de database. Dit kan niet ongedaan worden gemaakt. Exporteer eerst alles wat het HK nog nodig heeft.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Vault folder: {path}</source>
        <translation>Kluismap: {path}</translation>
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
            <numerusform>%n item (eerste {limit} getoond)</numerusform>
            <numerusform>%n items (eerste {limit} getoond)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Importing…</source>
        <translation>Importeren…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Importing {number} of {count}…</source>
        <translation>{number} van {count} importeren…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Cancelling after the current file…</source>
        <translation>Annuleren na het huidige bestand…</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>Choose where to save the copy.</source>
        <translation>Kies waar de kopie moet worden opgeslagen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{path} exists; choose a new file name.</source>
        <translation>{path} bestaat al; kies een nieuwe bestandsnaam.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Copy saved outside the vault: {path}</source>
        <translation>Kopie opgeslagen buiten de kluis: {path}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Add files…</source>
        <translation>Bestanden toevoegen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add folder…</source>
        <translation>Map toevoegen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>or drop files and folders here</source>
        <translation>of zet bestanden en mappen hier neer</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+122"/>
        <location line="+34"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="-114"/>
        <source>File</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>Grootte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>Afbeelding</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Captured</source>
        <translation>Vastgelegd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPS</source>
        <translation>GPS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flags</source>
        <translation>Markeringen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported</source>
        <translation>Geïmporteerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sensitivity</source>
        <translation>Gevoeligheid</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents</source>
        <translation>Incidenten</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>What the photo shows</source>
        <translation>Wat de foto laat zien</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save caption</source>
        <translation>Bijschrift opslaan</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Caption</source>
        <translation>Bijschrift</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>View</source>
        <translation>Bekijken</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use this photo&apos;s place/time for the incident…</source>
        <translation>Plaats/tijd van deze foto gebruiken voor het incident…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save a copy…</source>
        <translation>Kopie opslaan…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Provenance…</source>
        <translation>Herko&amp;mst…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where this item came from, and a check of its hash, versions and log</source>
        <translation>Waar dit item vandaan komt, en een controle van de hash, de versies en het log</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The incident is saved again with this photo&apos;s GPS position (method: photo EXIF) and its capture time when the camera recorded a time zone. Say why:</source>
        <translation>Het incident wordt opnieuw opgeslagen met de GPS-positie van deze foto (methode: foto-EXIF) en de opnametijd als de camera een tijdzone vastlegde. Geef de reden:</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+30"/>
        <source>Reason (required, goes to the audit log)</source>
        <translation>Reden (verplicht, gaat naar het auditlog)</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Use place/time</source>
        <translation>Plaats/tijd gebruiken</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>File to write</source>
        <translation>Te schrijven bestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose…</source>
        <translation>Kiezen…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save copy</source>
        <translation>Kopie opslaan</translation>
    </message>
    <message>
        <location line="+94"/>
        <location line="+28"/>
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>{size} bytes</source>
        <translation>{size} bytes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{format} {width} × {height} px</source>
        <translation>{format} {width} × {height} px</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, orientation {value}</source>
        <translation>, oriëntatie {value}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>not recorded</source>
        <translation>niet vastgelegd</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>altitude {metres} m</source>
        <translation>hoogte {metres} m</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, facing {degrees}°</source>
        <translation>, kijkrichting {degrees}°</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+2"/>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{time} by {user}</source>
        <translation>{time} door {user}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>linked to {count}</source>
        <translation>gekoppeld aan {count}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Warning: {text}</source>
        <translation>Waarschuwing: {text}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Add evidence files</source>
        <translation>Bewijsbestanden toevoegen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add a folder of evidence</source>
        <translation>Een map met bewijsstukken toevoegen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save a copy outside the vault</source>
        <translation>Een kopie buiten de kluis opslaan</translation>
    </message>
</context>
<context>
    <name>EvidenceViewer</name>
    <message>
        <location filename="../../fieldapp/ui/evidence_viewer.py" line="+88"/>
        <source>Evidence — {name}</source>
        <translation>Bewijsstuk — {name}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Decrypting the original in memory…</source>
        <translation>Origineel wordt in het geheugen ontsleuteld…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{type} is not shown here; its facts are in the details next to the gallery. Use “Save a copy…” to open it elsewhere.</source>
        <translation>{type} wordt hier niet getoond; de gegevens staan in de details naast de galerij. Gebruik “Kopie opslaan…” om het elders te openen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This file is not shown here; its facts are in the details next to the gallery. Use “Save a copy…” to open it elsewhere.</source>
        <translation>Dit bestand wordt hier niet getoond; de gegevens staan in de details naast de galerij. Gebruik “Kopie opslaan…” om het elders te openen.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The original could not be decoded as a picture here.</source>
        <translation>Het origineel kon hier niet als afbeelding worden gedecodeerd.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{width} × {height} px, decrypted in memory only</source>
        <translation>{width} × {height} px, alleen in het geheugen ontsleuteld</translation>
    </message>
</context>
<context>
    <name>HarmPicker</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="-74"/>
        <source>{label}: direct or indirect</source>
        <translation>{label}: direct of indirect</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{code} (not in list)</source>
        <translation>{code} (niet in lijst)</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../fieldapp/ui/history.py" line="+39"/>
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time (UTC)</source>
        <translation>Tijd (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>Apparaat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>Reden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleted</source>
        <translation>Verwijderd</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Field</source>
        <translation>Veld</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Old</source>
        <translation>Oud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New</source>
        <translation>Nieuw</translation>
    </message>
    <message>
        <location line="+65"/>
        <location line="+50"/>
        <source>No record selected.</source>
        <translation>Geen record geselecteerd.</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>versions</source>
        <translation>versies</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>changes in the selected version</source>
        <translation>wijzigingen in de geselecteerde versie</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>whole version as JSON</source>
        <translation>volledige versie als JSON</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Changes from previous version</source>
        <translation>Wijzigingen ten opzichte van de vorige versie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole version (JSON)</source>
        <translation>Volledige versie (JSON)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Loading history…</source>
        <translation>Geschiedenis laden…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>History could not be loaded.</source>
        <translation>De geschiedenis kon niet worden geladen.</translation>
    </message>
    <message numerus="yes">
        <location line="+36"/>
        <source>%n version(s), newest first.</source>
        <translation>
            <numerusform>%n versie, nieuwste eerst.</numerusform>
            <numerusform>%n versies, nieuwste eerst.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IdentityPage</name>
    <message>
        <location filename="../../fieldapp/ui/wizard.py" line="-184"/>
        <source>Create a vault</source>
        <translation>Een kluis aanmaken</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Everything this app records is kept in an encrypted vault on this computer. Name the cell and choose the pseudonym your records will carry.</source>
        <translation>Alles wat deze app vastlegt, wordt bewaard in een versleutelde kluis op deze computer. Geef de cel een naam en kies het pseudoniem dat uw records dragen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>e.g. CHM Cell North</source>
        <translation>bijv. CHM-cel Noord</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. analyst-07 (not your real name)</source>
        <translation>bijv. analist-07 (niet uw echte naam)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The pseudonym is written into every record version and travels to HQ. Use a call sign or number, not a name that identifies you if the laptop is lost.</source>
        <translation>Het pseudoniem wordt in elke recordversie geschreven en gaat mee naar het HK. Gebruik een roepnaam of nummer, geen naam die u identificeert als de laptop zoekraakt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Cell name:</source>
        <translation>&amp;Celnaam:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Analyst pseudonym:</source>
        <translation>&amp;Pseudoniem analist:</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Give the cell a name.</source>
        <translation>Geef de cel een naam.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose an analyst pseudonym.</source>
        <translation>Kies een analistenpseudoniem.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Names cannot contain control or invisible characters.</source>
        <translation>Namen mogen geen stuur- of onzichtbare tekens bevatten.</translation>
    </message>
</context>
<context>
    <name>IncidentEditor</name>
    <message>
        <location filename="../../fieldapp/ui/incident_editor.py" line="+106"/>
        <source>YYYY-MM-DDTHH:MM:SSZ (UTC)</source>
        <translation>JJJJ-MM-DDTUU:MM:SSZ (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>YYYY-MM-DD</source>
        <translation>JJJJ-MM-DD</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>New incident (not saved yet).</source>
        <translation>Nieuw incident (nog niet opgeslagen).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loading…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Version {version}, recorded on device {device} and imported: read only here. HQ&apos;s judgement goes in an assessment (Review menu).</source>
        <translation>Versie {version}, vastgelegd op apparaat {device} en geïmporteerd: hier alleen te lezen. Het oordeel van het HK hoort in een beoordeling (menu HK-beoordeling).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Version {version}.</source>
        <translation>Versie {version}.</translation>
    </message>
    <message numerus="yes">
        <location line="+59"/>
        <source>Not saved: %n problem(s) to correct first (listed below).</source>
        <translation>
            <numerusform>Niet opgeslagen: eerst %n probleem oplossen (hieronder vermeld).</numerusform>
            <numerusform>Niet opgeslagen: eerst %n problemen oplossen (hieronder vermeld).</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Say briefly why you change this record.</source>
        <translation>Geef kort aan waarom u dit record wijzigt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not saved: a reason for the change is needed.</source>
        <translation>Niet opgeslagen: een reden voor de wijziging is nodig.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved as version {version}.</source>
        <translation>Opgeslagen als versie {version}.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not saved: the vault found problems (listed below).</source>
        <translation>Niet opgeslagen: de kluis vond problemen (hieronder vermeld).</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Incident deleted; its history is kept.</source>
        <translation>Incident verwijderd; de geschiedenis blijft bewaard.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Reference:</source>
        <translation>Referentie:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>assigned on first save</source>
        <translation>toegekend bij eerste opslag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reference code</source>
        <translation>referentiecode</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reload latest version</source>
        <translation>Laatste versie herladen</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>problems to correct</source>
        <translation>op te lossen problemen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Delete this incident? Its history is kept. Reason:</source>
        <translation>Dit incident verwijderen? De geschiedenis blijft bewaard. Reden:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>why it is deleted (required)</source>
        <translation>waarom het wordt verwijderd (verplicht)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reason for deleting</source>
        <translation>reden voor verwijderen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete incident</source>
        <translation>Incident verwijderen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Reason for this change:</source>
        <translation>Reden voor deze wijziging:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>reason for this change</source>
        <translation>reden voor deze wijziging</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save a new version (Ctrl+S)</source>
        <translation>Een nieuwe versie opslaan (Ctrl+S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete…</source>
        <translation>Verwijderen…</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Identity</source>
        <translation>Identificatie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>short title</source>
        <translation>korte titel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+257"/>
        <source>Summary</source>
        <translation>Samenvatting</translation>
    </message>
    <message>
        <location line="-255"/>
        <source>System</source>
        <translation>Systeem</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>reference</source>
        <translation>referentie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>External references</source>
        <translation>Externe referenties</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start (UTC)</source>
        <translation>Begin (UTC)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End (UTC)</source>
        <translation>Einde (UTC)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Local UTC offset</source>
        <translation>Lokale UTC-afwijking</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>Nauwkeurigheid</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>First reported at</source>
        <translation>Eerst gemeld op</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>who reported it first</source>
        <translation>wie het als eerste meldde</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>First reported by</source>
        <translation>Eerst gemeld door</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Place</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Position</source>
        <translation>Positie</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+81"/>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>name</source>
        <translation>naam</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Place names</source>
        <translation>Plaatsnamen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>district / province</source>
        <translation>district / provincie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admin area</source>
        <translation>Bestuurlijk gebied</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ISO 3166 code, e.g. IQ</source>
        <translation>ISO 3166-code, bijv. IQ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Country</source>
        <translation>Land</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Geolocation precision</source>
        <translation>Nauwkeurigheid geolocatie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Geolocation method</source>
        <translation>Methode geolocatie</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+35"/>
        <location line="+36"/>
        <location line="+54"/>
        <location line="+79"/>
        <source>Notes</source>
        <translation>Notities</translation>
    </message>
    <message>
        <location line="-201"/>
        <source>Harm</source>
        <translation>Schade</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Harm types</source>
        <translation>Soorten schade</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Casualties</source>
        <translation>Doden en gewonden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Civilians</source>
        <translation>Burgers</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Combatants / DPH killed</source>
        <translation>Strijders / DPH gedood</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Combatants / DPH injured</source>
        <translation>Strijders / DPH gewond</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+31"/>
        <source>Victims</source>
        <translation>Slachtoffers</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Sensitive: victims&apos; details are never released to partners or the public and never appear in public outputs.</source>
        <translation>Gevoelig: gegevens van slachtoffers worden nooit vrijgegeven aan partners of het publiek en verschijnen nooit in openbare producten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Victims: sensitive, never released or published</source>
        <translation>Slachtoffers: gevoelig, nooit vrijgegeven of gepubliceerd</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Age</source>
        <translation>Leeftijd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Age band</source>
        <translation>Leeftijdsgroep</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gender</source>
        <translation>Geslacht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>Afloop</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Family group</source>
        <translation>Familiegroep</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>External list id</source>
        <translation>Id externe lijst</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>victim</source>
        <translation>slachtoffer</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Engagement</source>
        <translation>Inzet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attribution</source>
        <translation>Toerekening</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Party</source>
        <translation>Partij</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>which force or partner</source>
        <translation>welke eenheid of partner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Party name</source>
        <translation>Naam partij</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Date and time</source>
        <translation>Datum en tijd</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weapon platform</source>
        <translation>Wapenplatform</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Munition</source>
        <translation>Munitie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Target type</source>
        <translation>Soort doel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>number</source>
        <translation>aantal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Number of strikes</source>
        <translation>Aantal aanvallen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>strike or After Action Report reference</source>
        <translation>referentie van de aanval of het After Action Report</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AAR reference</source>
        <translation>AAR-referentie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sources</source>
        <translation>Bronnen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reference</source>
        <translation>Referentie</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+49"/>
        <location line="+19"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Reliability</source>
        <translation>Betrouwbaarheid</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Credibility</source>
        <translation>Geloofwaardigheid</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>source</source>
        <translation>bron</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sources (Admiralty grading)</source>
        <translation>Bronnen (Admiralty-waardering)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Assessment</source>
        <translation>Beoordeling</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Workflow</source>
        <translation>Werkstroom</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Public category</source>
        <translation>Openbare categorie</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Internal grade</source>
        <translation>Interne waardering</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Belligerent self-assessment</source>
        <translation>Eigen beoordeling strijdende partij</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rationale</source>
        <translation>Onderbouwing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pseudonym</source>
        <translation>pseudoniem</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assessor</source>
        <translation>Beoordelaar</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Response</source>
        <translation>Reactie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recommended</source>
        <translation>Aanbevolen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Given</source>
        <translation>Gegeven</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Responses</source>
        <translation>Reacties</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>Wie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Follow-up</source>
        <translation>Opvolging</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>contact</source>
        <translation>contact</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Communication log</source>
        <translation>Communicatielog</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Release</source>
        <translation>Vrijgave</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Partners</source>
        <translation>Partners</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Public</source>
        <translation>Publiek</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Releasable groups</source>
        <translation>Vrij te geven groepen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Redaction notes</source>
        <translation>Notities over weglating</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Lessons</source>
        <translation>Lessen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What should change</source>
        <translation>Wat moet er veranderen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>version {version}</source>
        <translation>versie {version}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not saved yet</source>
        <translation>nog niet opgeslagen</translation>
    </message>
    <message>
        <location line="+212"/>
        <source>{tab} › {field}</source>
        <translation>{tab} › {field}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>row {row}, {column}: {message}</source>
        <translation>rij {row}, {column}: {message}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>row {row}: {message}</source>
        <translation>rij {row}: {message}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{field}: {message}</source>
        <translation>{field}: {message}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{tab} (!)</source>
        <translation>{tab} (!)</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n problem(s) to correct before saving:</source>
        <translation>
            <numerusform>%n probleem oplossen voor het opslaan:</numerusform>
            <numerusform>%n problemen oplossen voor het opslaan:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Not saved: this incident was saved elsewhere after you opened it. Reload the latest version (your unsaved edits here will be lost), then make them again.</source>
        <translation>Niet opgeslagen: dit incident is elders opgeslagen nadat u het opende. Herlaad de laatste versie (uw niet-opgeslagen wijzigingen hier gaan verloren) en breng ze daarna opnieuw aan.</translation>
    </message>
</context>
<context>
    <name>IncidentTableModel</name>
    <message>
        <location filename="../../fieldapp/ui/register.py" line="+139"/>
        <source>Reference</source>
        <translation>Referentie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start (UTC)</source>
        <translation>Begin (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workflow</source>
        <translation>Werkstroom</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public category</source>
        <translation>Openbare categorie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Harm</source>
        <translation>Schade</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Killed</source>
        <translation>Gedood</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Injured</source>
        <translation>Gewond</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated (UTC)</source>
        <translation>Bijgewerkt (UTC)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="+178"/>
        <source>fieldapp</source>
        <translation>fieldapp</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Editor</source>
        <translation>&amp;Editor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Histor&amp;y</source>
        <translation>&amp;Geschiedenis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E&amp;vidence</source>
        <translation>&amp;Bewijsstukken</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Register</source>
        <translation>&amp;Register</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Observations</source>
        <translation>&amp;Waarnemingen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Witnesses</source>
        <translation>Ge&amp;tuigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Map</source>
        <translation>&amp;Kaart</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Audit log</source>
        <translation>&amp;Auditlog</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>De&amp;confliction</source>
        <translation>&amp;Deconflictie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sync</source>
        <translation>&amp;Synchronisatie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In&amp;box</source>
        <translation>&amp;Inbox</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Devices</source>
        <translation>A&amp;pparaten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Release &amp;gate</source>
        <translation>Vrijgave&amp;controle</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>&amp;New incident</source>
        <translation>&amp;Nieuw incident</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start a new, empty incident (Ctrl+N)</source>
        <translation>Een nieuw, leeg incident beginnen (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Save incident</source>
        <translation>Incident &amp;opslaan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the incident in the editor as a new version</source>
        <translation>Het incident in de editor opslaan als nieuwe versie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Lock</source>
        <translation>&amp;Vergrendelen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lock the vault now (Ctrl+L)</source>
        <translation>De kluis nu vergrendelen (Ctrl+L)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Device…</source>
        <translation>&amp;Apparaat…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>This device&apos;s code and fingerprint</source>
        <translation>Code en vingerafdruk van dit apparaat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Instellingen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Auto-lock delay, theme and language</source>
        <translation>Vergrendelvertraging, thema en taal</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Verify log</source>
        <translation>Log ve&amp;rifiëren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recompute the tamper-evident audit log</source>
        <translation>Het manipulatiebestendige auditlog opnieuw berekenen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change &amp;passphrase…</source>
        <translation>&amp;Wachtwoordzin wijzigen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a new passphrase for the current user</source>
        <translation>Een nieuwe wachtwoordzin kiezen voor de huidige gebruiker</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add &amp;user…</source>
        <translation>Gebr&amp;uiker toevoegen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Let another analyst open this vault with their own passphrase</source>
        <translation>Een andere analist deze kluis laten openen met een eigen wachtwoordzin</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Check integrity…</source>
        <translation>Integriteit &amp;controleren…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check the encrypted pages, the database and the audit log</source>
        <translation>De versleutelde pagina&apos;s, de database en het auditlog controleren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Erase vault…</source>
        <translation>Kluis wiss&amp;en…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Destroy this vault and everything in it for good</source>
        <translation>Deze kluis en alles erin definitief vernietigen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Provenance and verify…</source>
        <translation>&amp;Herkomst en verificatie…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Where the selected incident came from, every version and log entry, and a check of all their hashes and signatures (Ctrl+Shift+V)</source>
        <translation>Waar het geselecteerde incident vandaan komt, elke versie en logregel, en een controle van al hun hashes en handtekeningen (Ctrl+Shift+V)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Assess incident…</source>
        <translation>Incident &amp;beoordelen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ&apos;s assessment of the selected incident: public category, internal grade, belligerent view, rationale; the field&apos;s record is not changed (Ctrl+Shift+A)</source>
        <translation>Beoordeling van het geselecteerde incident door het HK: openbare categorie, interne waardering, standpunt strijdende partij, onderbouwing; het record uit het veld wordt niet gewijzigd (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add &amp;reviewer…</source>
        <translation>&amp;Beoordelaar toevoegen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A user who can read and assess, but not import, export or erase</source>
        <translation>Een gebruiker die kan lezen en beoordelen, maar niet importeren, exporteren of wissen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Reports and open data…</source>
        <translation>&amp;Rapporten en open data…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The monthly overview (PDF, CSV) and the weapon-release open data; files for the public go through the release gate (Ctrl+Shift+R)</source>
        <translation>Het maandoverzicht (PDF, CSV) en de open data over wapeninzet; bestanden voor het publiek gaan door de vrijgavecontrole (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Evidence &amp;package…</source>
        <translation>Bewijs&amp;pakket…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A court-ready evidence package of the selected incident, with a standalone verifier (Ctrl+Shift+P)</source>
        <translation>Een bewijspakket van het geselecteerde incident dat klaar is voor de rechter, met een zelfstandig verificatieprogramma (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>A&amp;fsluiten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Vault</source>
        <translation>K&amp;luis</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Incident</source>
        <translation>&amp;Incident</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Main</source>
        <translation>Hoofdbalk</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Cell: {name}</source>
        <translation>Cel: {name}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User: {user}</source>
        <translation>Gebruiker: {user}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device: {code}</source>
        <translation>Apparaat: {code}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fieldapp: {cell}</source>
        <translation>fieldapp: {cell}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The vault is locked.</source>
        <translation>De kluis is vergrendeld.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>fieldapp (locked)</source>
        <translation>fieldapp (vergrendeld)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Locked after {minutes} min without input. Unsaved changes were discarded.</source>
        <translation>Vergrendeld na {minutes} min zonder invoer. Niet-opgeslagen wijzigingen zijn verworpen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Locked when the computer was suspended.</source>
        <translation>Vergrendeld toen de computer in slaapstand ging.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Unsaved changes</source>
        <translation>Niet-opgeslagen wijzigingen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The incident in the editor has unsaved changes. Discard them?</source>
        <translation>Het incident in de editor heeft niet-opgeslagen wijzigingen. Verwerpen?</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Select an incident in the register first.</source>
        <translation>Selecteer eerst een incident in het register.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>The files are staged in the Release gate tab; check them there before anything is published.</source>
        <translation>De bestanden zijn klaargezet op het tabblad Vrijgavecontrole; controleer ze daar voordat er iets wordt gepubliceerd.</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>Erasing the vault…</source>
        <translation>De kluis wordt gewist…</translation>
    </message>
    <message>
        <location line="-297"/>
        <location line="+306"/>
        <source>The vault was erased.</source>
        <translation>De kluis is gewist.</translation>
    </message>
    <message>
        <location line="-459"/>
        <source>H&amp;Q review</source>
        <translation>HK-be&amp;oordeling</translation>
    </message>
    <message>
        <location line="+468"/>
        <source>The vault was not erased. {title}: {text}</source>
        <translation>De kluis is niet gewist. {title}: {text}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The vault&apos;s key was destroyed, so its data can no longer be read, but some files could not be removed. {title}: {text}</source>
        <translation>De sleutel van de kluis is vernietigd, dus de gegevens zijn niet meer leesbaar, maar sommige bestanden konden niet worden verwijderd. {title}: {text}</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <location filename="../../fieldapp/ui/map_panel.py" line="+102"/>
        <source>{shown} places shown (incidents and observations with a position).</source>
        <translation>{shown} plaatsen getoond (incidenten en waarnemingen met een positie).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> Only the {limit} most recently changed incidents are drawn.</source>
        <translation> Alleen de {limit} laatst gewijzigde incidenten worden getekend.</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../fieldapp/ui/mapview.py" line="+82"/>
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Photo</source>
        <translation>Foto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Observation</source>
        <translation>Waarneming</translation>
    </message>
    <message>
        <location line="+60"/>
        <location line="+402"/>
        <source>{kind}: {label}</source>
        <translation>{kind}: {label}</translation>
    </message>
    <message>
        <location line="-391"/>
        <source>{kind}: {count}</source>
        <translation>{kind}: {count}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{count} records ({parts}); click to zoom in</source>
        <translation>{count} records ({parts}); klik om in te zoomen</translation>
    </message>
    <message>
        <location line="+185"/>
        <source>Zoom in (+)</source>
        <translation>Inzoomen (+)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Zoom out (-)</source>
        <translation>Uitzoomen (-)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Map pack…</source>
        <translation>Kaartpakket…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show an offline map pack (MBTiles) under the records</source>
        <translation>Een offline kaartpakket (MBTiles) onder de records tonen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>World outline</source>
        <translation>Wereldkaart</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the bundled world outline instead of a map pack</source>
        <translation>De meegeleverde wereldkaart tonen in plaats van een kaartpakket</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Position under the cursor: latitude, longitude · MGRS</source>
        <translation>Positie onder de cursor: breedte, lengte · MGRS</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Map</source>
        <translation>Kaart</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom in</source>
        <translation>Inzoomen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom out</source>
        <translation>Uitzoomen</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Open map pack</source>
        <translation>Kaartpakket openen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MBTiles map packs (*.mbtiles);;All files (*)</source>
        <translation>MBTiles-kaartpakketten (*.mbtiles);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>World outline (Natural Earth)</source>
        <translation>Wereldkaart (Natural Earth)</translation>
    </message>
    <message>
        <location line="+105"/>
        <source>… and {count} more (zoom in or filter)</source>
        <translation>… en nog {count} (zoom in of filter)</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>Base layer: {name}</source>
        <translation>Basislaag: {name}</translation>
    </message>
    <message>
        <location line="+117"/>
        <source>Zoom {level}</source>
        <translation>Zoom {level}</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>Cluster (count)</source>
        <translation>Cluster (aantal)</translation>
    </message>
</context>
<context>
    <name>NewPassphraseFields</name>
    <message>
        <location filename="../../fieldapp/ui/passphrase_fields.py" line="+24"/>
        <source>very weak</source>
        <translation>zeer zwak</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weak</source>
        <translation>zwak</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fair</source>
        <translation>redelijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>strong</source>
        <translation>sterk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>very strong</source>
        <translation>zeer sterk</translation>
    </message>
    <message>
        <location line="+31"/>
        <location line="+67"/>
        <source>Strength: none</source>
        <translation>Sterkte: geen</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Type the new passphrase.</source>
        <translation>Typ de nieuwe wachtwoordzin.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This passphrase is too weak to protect the vault; see the advice above.</source>
        <translation>Deze wachtwoordzin is te zwak om de kluis te beschermen; zie het advies hierboven.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The two passphrases differ. Type the same one twice.</source>
        <translation>De twee wachtwoordzinnen verschillen. Typ twee keer dezelfde.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Strength: {word}</source>
        <translation>Sterkte: {word}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Strength: {word} (not enough)</source>
        <translation>Sterkte: {word} (onvoldoende)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Strong enough.</source>
        <translation>Sterk genoeg.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Too easy to guess: add more unrelated words.</source>
        <translation>Te makkelijk te raden: voeg meer losse woorden toe.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The passphrases match.</source>
        <translation>De wachtwoordzinnen komen overeen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The passphrases differ.</source>
        <translation>De wachtwoordzinnen verschillen.</translation>
    </message>
</context>
<context>
    <name>ObservationLog</name>
    <message>
        <location filename="../../fieldapp/ui/observations.py" line="+52"/>
        <location line="+215"/>
        <source>Time (UTC)</source>
        <translation>Tijd (UTC)</translation>
    </message>
    <message>
        <location line="-214"/>
        <location line="+223"/>
        <source>Category</source>
        <translation>Categorie</translation>
    </message>
    <message>
        <location line="-222"/>
        <location line="+228"/>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <location line="-227"/>
        <source>Linked incidents</source>
        <translation>Gekoppelde incidenten</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>{id}… (deleted)</source>
        <translation>{id}… (verwijderd)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>No incident matches.</source>
        <translation>Geen incident gevonden.</translation>
    </message>
    <message>
        <location line="+35"/>
        <location line="+195"/>
        <source>Not saved: correct the marked fields.</source>
        <translation>Niet opgeslagen: corrigeer de gemarkeerde velden.</translation>
    </message>
    <message>
        <location line="-184"/>
        <source>Select an observation in the list first.</source>
        <translation>Selecteer eerst een waarneming in de lijst.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose one or more incidents to link first.</source>
        <translation>Kies eerst een of meer incidenten om te koppelen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The observation is already linked to those incidents.</source>
        <translation>De waarneming is al aan die incidenten gekoppeld.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>observations</source>
        <translation>waarnemingen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New observation</source>
        <translation>Nieuwe waarneming</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>YYYY-MM-DDTHH:MM:SSZ (UTC)</source>
        <translation>JJJJ-MM-DDTUU:MM:SSZ (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>time of the observation (UTC)</source>
        <translation>tijd van de waarneming (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Now</source>
        <translation>Nu</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>e.g. strike, movement, media report</source>
        <translation>bijv. aanval, verplaatsing, mediabericht</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Position (optional)</source>
        <translation>Positie (optioneel)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Link to incidents</source>
        <translation>Aan incidenten koppelen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>reference code or any text</source>
        <translation>referentiecode of willekeurige tekst</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search incidents to link</source>
        <translation>incidenten zoeken om te koppelen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>matching incidents</source>
        <translation>gevonden incidenten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Link ↓</source>
        <translation>Koppelen ↓</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add the selected incident to the links</source>
        <translation>Het geselecteerde incident aan de koppelingen toevoegen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove link</source>
        <translation>Koppeling verwijderen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Chosen incidents:</source>
        <translation>Gekozen incidenten:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chosen incidents</source>
        <translation>gekozen incidenten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Add observation</source>
        <translation>Waarneming toevoegen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Link chosen incidents to selected observation</source>
        <translation>Gekozen incidenten aan geselecteerde waarneming koppelen</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Observation added.</source>
        <translation>Waarneming toegevoegd.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Observation linked.</source>
        <translation>Waarneming gekoppeld.</translation>
    </message>
</context>
<context>
    <name>PackageDialog</name>
    <message>
        <location filename="../../fieldapp/ui/package_dialog.py" line="+59"/>
        <source>Evidence package</source>
        <translation>Bewijspakket</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A folder with the originals, every record version, the signed log proofs, the certificates, a chain-of-custody PDF and a verifier anyone can run. Witness identities are left out unless you include them with a reason.</source>
        <translation>Een map met de originelen, elke recordversie, de ondertekende logbewijzen, de certificaten, een pdf van de bewaarketen (chain of custody) en een verificatieprogramma dat iedereen kan uitvoeren. Identiteiten van getuigen worden weggelaten, tenzij u ze met een reden opneemt.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>A new folder for the package</source>
        <translation>Een nieuwe map voor het pakket</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Folder…</source>
        <translation>Map &amp;kiezen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose where the package folder goes (Ctrl+O)</source>
        <translation>Kiezen waar de pakketmap komt (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Include witness &amp;identities (logged)</source>
        <translation>&amp;Identiteiten van getuigen opnemen (gelogd)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why identities are included (e.g. court order)</source>
        <translation>Waarom identiteiten worden opgenomen (bijv. rechterlijk bevel)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Incident:</source>
        <translation>Incident:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fol&amp;der:</source>
        <translation>&amp;Map:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Reden:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Package progress</source>
        <translation>Voortgang pakket</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Make package</source>
        <translation>Pakket &amp;aanmaken</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Make the package (Ctrl+Return)</source>
        <translation>Het pakket aanmaken (Ctrl+Return)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop (Escape); nothing is left half-written</source>
        <translation>Stoppen (Escape); er blijft niets half geschreven achter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Where the package folder goes</source>
        <translation>Waar de pakketmap komt</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cancelling…</source>
        <translation>Annuleren…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Making the package…</source>
        <translation>Pakket wordt aangemaakt…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Package written to {path}: {versions} record versions, {originals} originals. Package hash (logged): {hash}</source>
        <translation>Pakket geschreven naar {path}: {versions} recordversies, {originals} originelen. Pakkethash (gelogd): {hash}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Geannuleerd; er is niets geschreven.</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <location filename="../../fieldapp/ui/wizard.py" line="+15"/>
        <source>Choose a passphrase</source>
        <translation>Kies een wachtwoordzin</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The passphrase is the only way into the vault: nobody can recover it. Use at least 12 characters; several unrelated words are strong and easy to type.</source>
        <translation>De wachtwoordzin is de enige toegang tot de kluis: niemand kan hem herstellen. Gebruik minstens 12 tekens; enkele losse woorden zijn sterk en makkelijk te typen.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Creating the vault… deriving the key takes a few seconds.</source>
        <translation>De kluis wordt aangemaakt… het afleiden van de sleutel duurt enkele seconden.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Wachtwoordzin:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Repeat:</source>
        <translation>&amp;Herhalen:</translation>
    </message>
</context>
<context>
    <name>PositionField</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="-105"/>
        <source>33.3128, 44.3615  or  38SMB 44361 84729</source>
        <translation>33.3128, 44.3615  of  38SMB 44361 84729</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>position (latitude, longitude or MGRS)</source>
        <translation>positie (breedte, lengte of MGRS)</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Lat/Lon: —    MGRS: —</source>
        <translation>Br/Lg: —    MGRS: —</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not available for this position</source>
        <translation>niet beschikbaar voor deze positie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lat/Lon: {lat}, {lon}    MGRS: {mgrs}</source>
        <translation>Br/Lg: {lat}, {lon}    MGRS: {mgrs}</translation>
    </message>
</context>
<context>
    <name>ProvenanceDialog</name>
    <message>
        <location filename="../../fieldapp/ui/provenance.py" line="+89"/>
        <source>Provenance</source>
        <translation>Herkomst</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ</source>
        <translation>HK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>this vault</source>
        <translation>deze kluis</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Device:</source>
        <translation>Apparaat:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analyst:</source>
        <translation>Analist:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Capture time:</source>
        <translation>Tijdstip vastlegging:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ingest time:</source>
        <translation>Tijdstip invoer:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Original:</source>
        <translation>Origineel:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Origin:</source>
        <translation>Oorsprong:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seq</source>
        <translation>Volgnr.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>Time (UTC)</source>
        <translation>Tijd (UTC)</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>Reden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bundle</source>
        <translation>Bundel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bundle file</source>
        <translation>Bundelbestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported (UTC)</source>
        <translation>Geïmporteerd (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt</source>
        <translation>Ontvangstbewijs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device log entry</source>
        <translation>Regel apparaatlog</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vault log entry</source>
        <translation>Regel kluislog</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Index</source>
        <translation>Index</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leaf hash</source>
        <translation>Bladhash</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entry</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Check</source>
        <translation>Controle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;1 Summary</source>
        <translation>&amp;1 Samenvatting</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;2 Versions</source>
        <translation>&amp;2 Versies</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;3 Log entries</source>
        <translation>&amp;3 Logregels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;4 Verification</source>
        <translation>&amp;4 Verificatie</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Verification progress</source>
        <translation>Voortgang verificatie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Verify</source>
        <translation>&amp;Verifiëren</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recompute every hash, log proof and signature behind this record (F5); the run is recorded in the audit log</source>
        <translation>Elke hash, elk logbewijs en elke handtekening achter dit record opnieuw berekenen (F5); de controle wordt in het auditlog vastgelegd</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Copy report</source>
        <translation>Rapport &amp;kopiëren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy the provenance and checks as text (Ctrl+Shift+C)</source>
        <translation>De herkomst en de controles als tekst kopiëren (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Record {id}</source>
        <translation>Record {id}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading the provenance…</source>
        <translation>Herkomst wordt gelezen…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Observation</source>
        <translation>Waarneming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Witness</source>
        <translation>Getuige</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Statement</source>
        <translation>Verklaring</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evidence item</source>
        <translation>Bewijsstuk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assessment</source>
        <translation>Beoordeling</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{kind} {label}   (id {id})</source>
        <translation>{kind} {label}   (id {id})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{kind} {id}</source>
        <translation>{kind} {id}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Provenance — {kind}</source>
        <translation>Herkomst — {kind}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{time} (EXIF)</source>
        <translation>{time} (EXIF)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{time} (first version)</source>
        <translation>{time} (eerste versie)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Made on this vault: no bundle brought it.</source>
        <translation>Gemaakt in deze kluis: het kwam niet met een bundel binnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Imported in bundle(s) {seqs}.</source>
        <translation>Geïmporteerd in bundel(s) {seqs}.</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>device {code}</source>
        <translation>apparaat {code}</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Verifying…</source>
        <translation>Verifiëren…</translation>
    </message>
    <message>
        <location line="+42"/>
        <location line="+32"/>
        <source>Pass</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="-32"/>
        <location line="+32"/>
        <source>FAIL</source>
        <translation>FOUT</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>{n} of {total} checks failed: see the red rows.</source>
        <translation>{n} van {total} controles mislukt: zie de rode rijen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All {total} checks passed.</source>
        <translation>Alle {total} controles geslaagd.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Report copied to the clipboard.</source>
        <translation>Rapport naar het klembord gekopieerd.</translation>
    </message>
</context>
<context>
    <name>RangeEdit</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="-198"/>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>max</source>
        <translation>max</translation>
    </message>
</context>
<context>
    <name>RecordTable</name>
    <message>
        <location line="+347"/>
        <source>Add {noun}</source>
        <translation>Voeg {noun} toe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove selected</source>
        <translation>Selectie verwijderen</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>must be a whole number</source>
        <translation>moet een geheel getal zijn</translation>
    </message>
</context>
<context>
    <name>RegisterPanel</name>
    <message>
        <location filename="../../fieldapp/ui/register.py" line="+149"/>
        <source>Search title, summary, place, sources…</source>
        <translation>Zoek in titel, samenvatting, plaats, bronnen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full-text search (Ctrl+F); words match by prefix</source>
        <translation>Zoeken in volledige tekst (Ctrl+F); woorden komen overeen op hun begin</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Any status</source>
        <translation>Elke status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any category</source>
        <translation>Elke categorie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any harm</source>
        <translation>Elke schade</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>from: any</source>
        <translation>van: elke</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>to: any</source>
        <translation>tot: elke</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rese&amp;t</source>
        <translation>&amp;Herstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear every filter</source>
        <translation>Alle filters wissen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Filter by workflow status</source>
        <translation>Filteren op werkstroomstatus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by public category</source>
        <translation>Filteren op openbare categorie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by harm type</source>
        <translation>Filteren op soort schade</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents starting on or after this date</source>
        <translation>Incidenten die op of na deze datum beginnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents starting on or before this date</source>
        <translation>Incidenten die op of voor deze datum beginnen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Find:</source>
        <translation>&amp;Zoeken:</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Any device</source>
        <translation>Elk apparaat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>YYYY-MM</source>
        <translation>JJJJ-MM</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>any part of the name</source>
        <translation>elk deel van de naam</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Filter by the device that recorded the incident</source>
        <translation>Filteren op het apparaat dat het incident heeft vastgelegd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents starting in this month (YYYY-MM)</source>
        <translation>Incidenten die in deze maand beginnen (JJJJ-MM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incidents whose place name contains this text</source>
        <translation>Incidenten waarvan de plaatsnaam deze tekst bevat</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Recorded o&amp;n:</source>
        <translation>&amp;Vastgelegd op:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mont&amp;h:</source>
        <translation>Maa&amp;nd:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Place:</source>
        <translation>Plaat&amp;s:</translation>
    </message>
    <message>
        <location line="+241"/>
        <source>Locked</source>
        <translation>Vergrendeld</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Showing {shown} of {total} incidents</source>
        <translation>{shown} van {total} incidenten getoond</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 incident</source>
        <translation>1 incident</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{total} incidents</source>
        <translation>{total} incidenten</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No incidents: the “to” date is before the “from” date</source>
        <translation>Geen incidenten: de “tot”-datum ligt voor de “van”-datum</translation>
    </message>
</context>
<context>
    <name>ReleaseGatePanel</name>
    <message>
        <location filename="../../fieldapp/ui/release_gate.py" line="+97"/>
        <source>Stage &amp;files…</source>
        <translation>Bestanden klaar&amp;zetten…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;lear</source>
        <translation>Li&amp;jst leegmaken</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Staged files</source>
        <translation>Klaargezette bestanden</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>e.g. 0.05 (optional)</source>
        <translation>bijv. 0.05 (optioneel)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round finer coordinates (else the&amp;y block)</source>
        <translation>&amp;Fijnere coördinaten afronden (anders blokkeren ze)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>all fields (or: ref,date,killed,…)</source>
        <translation>alle velden (of: ref,date,killed,…)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+296"/>
        <source>Extra &amp;names list…</source>
        <translation>Extra &amp;namenlijst…</translation>
    </message>
    <message>
        <location line="-294"/>
        <source>Chec&amp;k</source>
        <translation>Control&amp;eren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the staged files (Ctrl+Return)</source>
        <translation>De klaargezette bestanden controleren (Ctrl+Return)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Policy</source>
        <translation>Beleid</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Coordinate decimals (ma&amp;x):</source>
        <translation>Decimalen coördinaten (ma&amp;x):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coordinate grid si&amp;ze (degrees):</source>
        <translation>Ra&amp;stergrootte coördinaten (graden):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Small-cell &amp;threshold:</source>
        <translation>&amp;Minimumaantal per cel:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Public fields:</source>
        <translation>Openbare &amp;velden:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Prepared (UTC)</source>
        <translation>Voorbereid (UTC)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Files</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Release</source>
        <translation>Vrijgave</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Releases</source>
        <translation>Vrijgaven</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Location</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fixed or blocking</source>
        <translation>Gecorrigeerd of blokkerend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Findings</source>
        <translation>Bevindingen</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Approv&amp;e</source>
        <translation>&amp;Goedkeuren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The second user approves with their own passphrase (Return in the field)</source>
        <translation>De tweede gebruiker keurt goed met een eigen wachtwoordzin (Enter in het veld)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Publi&amp;sh…</source>
        <translation>Pu&amp;bliceren…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Second user</source>
        <translation>Tweede gebruiker</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Second &amp;user:</source>
        <translation>Tweede gebr&amp;uiker:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>T&amp;heir passphrase:</source>
        <translation>Diens wac&amp;htwoordzin:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Working</source>
        <translation>Bezig</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Locked.</source>
        <translation>Vergrendeld.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>blocked</source>
        <translation>geblokkeerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>awaiting approval</source>
        <translation>wacht op goedkeuring</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>approved</source>
        <translation>goedgekeurd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>published</source>
        <translation>gepubliceerd</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Personal name</source>
        <translation>Persoonsnaam</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>Toestemming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coordinates</source>
        <translation>Coördinaten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Small cell</source>
        <translation>Kleine cel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field not public</source>
        <translation>Veld niet openbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Photo metadata</source>
        <translation>Fotometadata</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unsupported file</source>
        <translation>Niet-ondersteund bestand</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>fixed: {fix}</source>
        <translation>gecorrigeerd: {fix}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>BLOCKING</source>
        <translation>BLOKKEREND</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Prepared by {who}; {files}, {findings}, {blocking}.</source>
        <translation>Voorbereid door {who}; {files}, {findings}, {blocking}.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n bestand</numerusform>
            <numerusform>%n bestanden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n bevinding</numerusform>
            <numerusform>%n bevindingen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n blocking</source>
        <translation>
            <numerusform>%n blokkerend</numerusform>
            <numerusform>%n blokkerend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+83"/>
        <source>%n blocking finding(s): this release cannot be approved.</source>
        <translation>
            <numerusform>%n blokkerende bevinding: deze vrijgave kan niet worden goedgekeurd.</numerusform>
            <numerusform>%n blokkerende bevindingen: deze vrijgave kan niet worden goedgekeurd.</numerusform>
        </translation>
    </message>
    <message>
        <location line="-80"/>
        <source>Approved by {who}.</source>
        <translation>Goedgekeurd door {who}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the staged files and check again.</source>
        <translation>Corrigeer de klaargezette bestanden en controleer opnieuw.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stage files for release</source>
        <translation>Bestanden klaarzetten voor vrijgave</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Release files (*.csv *.geojson *.json *.txt *.md *.jpg *.jpeg *.png);;All files (*)</source>
        <translation>Vrij te geven bestanden (*.csv *.geojson *.json *.txt *.md *.jpg *.jpeg *.png);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Extra names list</source>
        <translation>Extra namenlijst</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text (*.txt);;All files (*)</source>
        <translation>Tekst (*.txt);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Names: {name}</source>
        <translation>Namen: {name}</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Checked: nothing blocks. A second user must approve it.</source>
        <translation>Gecontroleerd: niets blokkeert. Een tweede gebruiker moet de vrijgave goedkeuren.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Checking the staged files…</source>
        <translation>De klaargezette bestanden worden gecontroleerd…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Approved by {who}; it can be published.</source>
        <translation>Goedgekeurd door {who}; de vrijgave kan worden gepubliceerd.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Checking the approver&apos;s passphrase…</source>
        <translation>Wachtwoordzin van de goedkeurder wordt gecontroleerd…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Publish into an empty folder</source>
        <translation>Publiceren in een lege map</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Published with its signed manifest: {path}</source>
        <translation>Gepubliceerd met het ondertekende manifest: {path}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Publishing…</source>
        <translation>Publiceren…</translation>
    </message>
</context>
<context>
    <name>ReportPdf</name>
    <message>
        <location filename="../../fieldapp/ui/report_pdf.py" line="+85"/>
        <source>Confirmed</source>
        <translation>Bevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unconfirmed</source>
        <translation>Onbevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlikely</source>
        <translation>Onwaarschijnlijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not yet categorised</source>
        <translation>Nog niet gecategoriseerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+11"/>
        <source>Total</source>
        <translation>Totaal</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Women</source>
        <translation>Vrouwen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Men</source>
        <translation>Mannen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Girls</source>
        <translation>Meisjes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Boys</source>
        <translation>Jongens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown</source>
        <translation>Onbekend</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Monthly overview {month} · {cell} · generated {at} UTC</source>
        <translation>Maandoverzicht {month} · {cell} · gegenereerd {at} UTC</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>INTERNAL: not released. Page {n} of {count}</source>
        <translation>INTERN: niet vrijgegeven. Pagina {n} van {count}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Monthly overview: {month}</source>
        <translation>Maandoverzicht: {month}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Generated (UTC)</source>
        <translation>Gegenereerd (UTC)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filters</source>
        <translation>Filters</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Vault</source>
        <translation>Kluis</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+19"/>
        <location line="+149"/>
        <source>Incidents</source>
        <translation>Incidenten</translation>
    </message>
    <message>
        <location line="-167"/>
        <source>those that started in the month (time.start, UTC)</source>
        <translation>die in de maand begonnen (time.start, UTC)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Incidents by public category</source>
        <translation>Incidenten per openbare categorie</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Category</source>
        <translation>Categorie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Still open</source>
        <translation>Nog open</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Civilians killed and injured (minimum–maximum)</source>
        <translation>Gedode en gewonde burgers (minimum–maximum)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Group</source>
        <translation>Groep</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+65"/>
        <location line="+64"/>
        <source>Killed</source>
        <translation>Gedood</translation>
    </message>
    <message>
        <location line="-128"/>
        <location line="+65"/>
        <location line="+64"/>
        <source>Injured</source>
        <translation>Gewond</translation>
    </message>
    <message>
        <location line="-115"/>
        <source>Killed and injured by group</source>
        <translation>Gedood en gewond per groep</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>solid: minimum; light: up to the maximum</source>
        <translation>vol: minimum; licht: tot het maximum</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Where: incidents per 0.1° cell</source>
        <translation>Waar: incidenten per cel van 0,1°</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Circle area is proportional to incidents in the cell. Without a position: {n}.</source>
        <translation>De oppervlakte van een cirkel is evenredig met het aantal incidenten in de cel. Zonder positie: {n}.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>By area</source>
        <translation>Per gebied</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+116"/>
        <source>Area</source>
        <translation>Gebied</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>…and {n} more areas (see the CSV).</source>
        <translation>…en nog {n} gebieden (zie de CSV).</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Natural Earth land outline; Web Mercator</source>
        <translation>Landcontouren Natural Earth; Web Mercator</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Changes of public category since last month</source>
        <translation>Wijzigingen van openbare categorie sinds vorige maand</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No incident changed category.</source>
        <translation>Geen incident is van categorie veranderd.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reference</source>
        <translation>Referentie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To</source>
        <translation>Naar</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Monthly overview {month}</source>
        <translation>Maandoverzicht {month}</translation>
    </message>
</context>
<context>
    <name>ReportsDialog</name>
    <message>
        <location filename="../../fieldapp/ui/reports_dialog.py" line="+65"/>
        <source>Reports</source>
        <translation>Rapporten</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Monthly overview</source>
        <translation>Maandoverzicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weapon-release open data</source>
        <translation>Open data wapeninzet</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Month</source>
        <translation>Maand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;CSV</source>
        <translation>&amp;CSV</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;PDF</source>
        <translation>&amp;PDF</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Grid cell size in degrees: 0.1° is about 11 km</source>
        <translation>Celgrootte van het raster in graden: 0.1° is ongeveer 11 km</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>any area</source>
        <translation>elk gebied</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>any country</source>
        <translation>elk land</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>any party</source>
        <translation>elke partij</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Own forces</source>
        <translation>Eigen troepen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coalition partner</source>
        <translation>Coalitiepartner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adversary</source>
        <translation>Tegenstander</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown</source>
        <translation>Onbekend</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>any category</source>
        <translation>elke categorie</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confirmed</source>
        <translation>Bevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unconfirmed</source>
        <translation>Onbevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlikely</source>
        <translation>Onwaarschijnlijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not yet categorised</source>
        <translation>Nog niet gecategoriseerd</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Output folder</source>
        <translation>Uitvoermap</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hoose…</source>
        <translation>&amp;Kiezen…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Report:</source>
        <translation>&amp;Rapport:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Month:</source>
        <translation>&amp;Maand:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Formats:</source>
        <translation>Formaten:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Grid (degrees):</source>
        <translation>Ra&amp;ster (graden):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Area:</source>
        <translation>&amp;Gebied:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;ountry:</source>
        <translation>&amp;Land:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pa&amp;rty:</source>
        <translation>Par&amp;tij:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ca&amp;tegory:</source>
        <translation>Categ&amp;orie:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Folder:</source>
        <translation>&amp;Uitvoermap:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>For internal use: these files are not released. Anything public goes through the release gate first.</source>
        <translation>Voor intern gebruik: deze bestanden zijn niet vrijgegeven. Alles wat openbaar wordt, gaat eerst door de vrijgavecontrole.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export progress</source>
        <translation>Voortgang export</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation>&amp;Exporteren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the export (Escape); nothing is written</source>
        <translation>De export stoppen (Escape); er wordt niets geschreven</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Locked.</source>
        <translation>Vergrendeld.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Folder for the report</source>
        <translation>Map voor het rapport</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose a folder for the files first.</source>
        <translation>Kies eerst een map voor de bestanden.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Exporting…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Wrote {n} file(s) to {folder}: {names}. Internal use only: not released.</source>
        <translation>{n} bestand(en) geschreven naar {folder}: {names}. Alleen voor intern gebruik: niet vrijgegeven.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Geannuleerd; er is niets geschreven.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cancelling…</source>
        <translation>Annuleren…</translation>
    </message>
</context>
<context>
    <name>SecurityPoliciesGroup</name>
    <message>
        <location filename="../../fieldapp/ui/security_policies.py" line="+58"/>
        <source>Security policies</source>
        <translation>Beveiligingsbeleid</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>These protect the vault if this computer is taken. All are off unless you turn them on; every change asks for your passphrase and is written to the audit log.</source>
        <translation>Deze maatregelen beschermen de kluis als deze computer wordt afgenomen. Ze staan allemaal uit tot u ze inschakelt; elke wijziging vraagt om uw wachtwoordzin en wordt in het auditlog vastgelegd.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Erase the vault after too many wrong passphrases</source>
        <translation>Kluis &amp;wissen na te veel verkeerde wachtwoordzinnen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Number of wrong passphrases in a row:</source>
        <translation>Aantal verkeerde wachtwoordzinnen op een &amp;rij:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>After this many wrong passphrases in a row, the vault destroys its key and with it every record and all evidence on this device. This is irreversible: what HQ has not received is lost, also when it was only someone mistyping. It stops guessing through the app on a seized laptop, even if the app is killed between guesses; it does not stop someone who copied the disk first.</source>
        <translation>Na zoveel verkeerde wachtwoordzinnen op een rij vernietigt de kluis zijn sleutel en daarmee elk record en alle bewijsstukken op dit apparaat. Dit is onomkeerbaar: wat het HK nog niet heeft ontvangen, gaat verloren, ook als iemand zich alleen maar vertypte. Het voorkomt raden via de app op een in beslag genomen laptop, ook als de app tussen twee pogingen geforceerd wordt afgesloten; het houdt niemand tegen die eerst de schijf heeft gekopieerd.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Duress passphrase</source>
        <translation>Dwangwachtwoordzin &amp;gebruiken</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Slot la&amp;bel:</source>
        <translation>&amp;Label sleutelsleuf:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Duress &amp;passphrase:</source>
        <translation>&amp;Dwangwachtwoordzin:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Repeat it:</source>
        <translation>&amp;Herhalen:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A second passphrase for when you are forced to open the vault. Typed at the unlock prompt, it destroys the vault&apos;s key for everyone, this device&apos;s users and HQ&apos;s escrow alike, and then looks exactly like a wrong passphrase; so does every later attempt. Nothing on disk shows that a duress passphrase exists, but its slot label is visible: choose one that looks like a user&apos;s pseudonym. Whatever HQ has not received is lost.</source>
        <translation>Een tweede wachtwoordzin voor als u wordt gedwongen de kluis te openen. Ingetypt bij het ontgrendelen vernietigt die de sleutel van de kluis voor iedereen, zowel voor de gebruikers van dit apparaat als voor de reservesleutel (escrow) van het HK, en lijkt daarna precies op een verkeerde wachtwoordzin; net als elke latere poging. Niets op de schijf laat zien dat er een dwangwachtwoordzin bestaat, maar het label van de sleutelsleuf is zichtbaar: kies een label dat op het pseudoniem van een gebruiker lijkt. Wat het HK nog niet heeft ontvangen, gaat verloren.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>P&amp;urge acknowledged plaintext after each HQ receipt</source>
        <translation>Bevestigde gegevens &amp;opruimen na elk HK-ontvangstbewijs</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>When a receipt from HQ is imported, the evidence originals and witness identities HQ has confirmed it holds are deleted from this device at once, without asking. The records stay. Less is lost if the laptop is taken, but the originals then exist only at HQ.</source>
        <translation>Bij het importeren van een ontvangstbewijs van het HK worden de bewijsstukoriginelen en getuigenidentiteiten waarvan het HK heeft bevestigd dat het ze heeft, meteen en zonder te vragen van dit apparaat verwijderd. De records blijven. Er gaat minder verloren als de laptop wordt afgenomen, maar de originelen bestaan dan alleen nog bij het HK.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Your pa&amp;ssphrase, to confirm:</source>
        <translation>&amp;Uw wachtwoordzin, ter bevestiging:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Appl&amp;y security policies</source>
        <translation>Beveiligingsbeleid &amp;toepassen</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>The policies are still being read; try again in a moment.</source>
        <translation>Het beleid wordt nog gelezen; probeer het zo opnieuw.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Type the duress passphrase twice.</source>
        <translation>Typ de dwangwachtwoordzin twee keer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two duress passphrases differ.</source>
        <translation>De twee dwangwachtwoordzinnen verschillen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to change: the policies are as shown.</source>
        <translation>Niets te wijzigen: het beleid is zoals getoond.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Type your passphrase to confirm the change.</source>
        <translation>Typ uw wachtwoordzin om de wijziging te bevestigen.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Applying…</source>
        <translation>Toepassen…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Security policies applied and logged.</source>
        <translation>Beveiligingsbeleid toegepast en gelogd.</translation>
    </message>
</context>
<context>
    <name>SessionLockWatcher</name>
    <message>
        <location filename="../../fieldapp/ui/autolock.py" line="+182"/>
        <source>Locked when the computer was suspended.</source>
        <translation>Vergrendeld toen de computer in slaapstand ging.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locked when the desktop session was locked.</source>
        <translation>Vergrendeld toen de bureaubladsessie werd vergrendeld.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../fieldapp/ui/settings.py" line="+169"/>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Dark (night use)</source>
        <translation>Donker (gebruik &apos;s nachts)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Licht</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>After this long without keyboard or mouse input the vault locks itself: the database closes and every decrypted value leaves the screen and memory. Unsaved changes in the incident editor are lost when that happens, by design; save before you step away.</source>
        <translation>Na deze tijd zonder toetsenbord- of muisinvoer vergrendelt de kluis zichzelf: de database sluit en elke ontsleutelde waarde verdwijnt van het scherm en uit het geheugen. Niet-opgeslagen wijzigingen in de incidenteditor gaan dan bewust verloren; sla op voordat u wegloopt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Lock after idle:</source>
        <translation>&amp;Vergrendelen na inactiviteit:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Theme:</source>
        <translation>&amp;Thema:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>System language ({language})</source>
        <translation>Systeemtaal ({language})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>L&amp;anguage:</source>
        <translation>Taa&amp;l:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new language takes effect the next time the app starts.</source>
        <translation>Een nieuwe taal wordt actief bij de volgende start van de app.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>&amp;General</source>
        <translation>&amp;Algemeen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Se&amp;curity policies</source>
        <translation>&amp;Beveiligingsbeleid</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../fieldapp/ui/sync_panel.py" line="+143"/>
        <source>Enrolment with HQ</source>
        <translation>Inschrijving bij het HK</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Write enrolment re&amp;quest…</source>
        <translation>Inschrijvings&amp;verzoek schrijven…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accept e&amp;nrolment…</source>
        <translation>Inschrijving a&amp;ccepteren…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Update recipient &amp;list…</source>
        <translation>Ontvangerslijst bi&amp;jwerken…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Outgoing bundles</source>
        <translation>Uitgaande bundels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Export bundle…</source>
        <translation>Bundel &amp;exporteren…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export progress</source>
        <translation>Voortgang export</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the export (Escape); nothing is written</source>
        <translation>De export stoppen (Escape); er wordt niets geschreven</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Receipts from HQ</source>
        <translation>Ontvangstbewijzen van het HK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import rece&amp;ipt…</source>
        <translation>Ontvangst&amp;bewijs importeren…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Purge acknowledged originals and witness identities after a receipt</source>
        <translation>Bevestigde originelen en getuigenidentiteiten &amp;opruimen na een ontvangstbewijs</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>After a receipt, delete from this device the originals and the witnesses&apos; names, contacts and communities HQ has confirmed it holds (you are asked first). The records stay.</source>
        <translation>Na een ontvangstbewijs de originelen en de namen, contactgegevens en gemeenschappen van getuigen waarvan het HK heeft bevestigd dat het ze heeft, van dit apparaat verwijderen (eerst wordt het u gevraagd). De records blijven.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Locked.</source>
        <translation>Vergrendeld.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>This is an HQ vault: it receives bundles (Inbox and Devices tabs) and does not send any.</source>
        <translation>Dit is een HK-kluis: die ontvangt bundels (tabbladen Inbox en Apparaten) en verstuurt er geen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not enrolled with HQ: this device cannot send bundles yet. Write an enrolment request for HQ and read them this device&apos;s code {code} and fingerprint {fingerprint} by phone or in person.</source>
        <translation>Niet ingeschreven bij het HK: dit apparaat kan nog geen bundels versturen. Schrijf een inschrijvingsverzoek voor het HK en lees hun telefonisch of persoonlijk de code {code} en de vingerafdruk {fingerprint} van dit apparaat voor.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Enrolled with HQ {origin} (root fingerprint {root}) as device {code}; recipient list version {version}.</source>
        <translation>Ingeschreven bij HK {origin} (vingerafdruk hoofdsleutel {root}) als apparaat {code}; ontvangerslijst versie {version}.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Last bundle: {seq}.</source>
        <translation>Laatste bundel: {seq}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No bundle exported yet.</source>
        <translation>Nog geen bundel geëxporteerd.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last receipt from HQ: {seq}.</source>
        <translation>Laatste ontvangstbewijs van het HK: {seq}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No receipt from HQ yet.</source>
        <translation>Nog geen ontvangstbewijs van het HK.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sent but not yet acknowledged: {seqs}.</source>
        <translation>Verzonden maar nog niet bevestigd: {seqs}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The next bundle carries {records} record versions, {log} audit-log entries and {blobs} evidence originals.</source>
        <translation>De volgende bundel bevat {records} recordversies, {log} auditlogregels en {blobs} bewijsstukoriginelen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>HQ holds {acked} originals of this device; {purged} of them purged here.</source>
        <translation>Het HK heeft {acked} originelen van dit apparaat; daarvan zijn er {purged} hier opgeruimd.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>seq {seq} ({at} UTC)</source>
        <translation>volgnummer {seq} ({at} UTC)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Save the enrolment request</source>
        <translation>Inschrijvingsverzoek opslaan</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Enrolment request written to {path}. Give it to HQ, and read them the device code {code} and fingerprint {fingerprint} by phone or in person.</source>
        <translation>Inschrijvingsverzoek geschreven naar {path}. Geef het aan het HK en lees hun telefonisch of persoonlijk de apparaatcode {code} en de vingerafdruk {fingerprint} voor.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Open the device certificate from HQ</source>
        <translation>Het apparaatcertificaat van het HK openen</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+5"/>
        <location line="+64"/>
        <source>All files (*)</source>
        <translation>Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>Open the recipient list from HQ</source>
        <translation>De ontvangerslijst van het HK openen</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>HQ {origin} (recipient list version {version}) has the root fingerprint:

{root}

Compare it with HQ by phone or in person, character by character. Accept only if it matches: from now on this device trusts this key alone for certificates, recipient lists and receipts.</source>
        <translation>HK {origin} (ontvangerslijst versie {version}) heeft als vingerafdruk van de hoofdsleutel:

{root}

Vergelijk die telefonisch of persoonlijk met het HK, teken voor teken. Accepteer alleen als ze overeenkomt: vanaf nu vertrouwt dit apparaat alleen deze sleutel voor certificaten, ontvangerslijsten en ontvangstbewijzen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Yes, accept enrolment</source>
        <translation>&amp;Ja, inschrijving accepteren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I &amp;compared this fingerprint with HQ and it matches</source>
        <translation>Ik heb deze vingerafdruk met het HK &amp;vergeleken en ze komt overeen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Enrolled with HQ {origin}.</source>
        <translation>Ingeschreven bij HK {origin}.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Open the new recipient list from HQ</source>
        <translation>De nieuwe ontvangerslijst van het HK openen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Recipient list version {version} accepted.</source>
        <translation>Ontvangerslijst versie {version} geaccepteerd.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Folder to write the bundle to</source>
        <translation>Map om de bundel in te schrijven</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Exporting…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Bundle {seq} written: {path} ({size}; {records} record versions, {log} audit-log entries, {blobs} evidence originals). Carry it to HQ.</source>
        <translation>Bundel {seq} geschreven: {path} ({size}; {records} recordversies, {log} auditlogregels, {blobs} bewijsstukoriginelen). Breng hem naar het HK.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export geannuleerd; er is niets geschreven.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cancelling…</source>
        <translation>Annuleren…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open a receipt from HQ</source>
        <translation>Een ontvangstbewijs van het HK openen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Receipts (*.chmr);;All files (*)</source>
        <translation>Ontvangstbewijzen (*.chmr);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The receipt for bundle {seq} was imported before; nothing changed.</source>
        <translation>Het ontvangstbewijs voor bundel {seq} was al geïmporteerd; er is niets veranderd.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Receipt imported: HQ ({hq}) acknowledged bundle {seq} and everything before it at {time} UTC; {blobs} evidence originals are now held at HQ.</source>
        <translation>Ontvangstbewijs geïmporteerd: het HK ({hq}) bevestigde bundel {seq} en alles daarvoor om {time} UTC; {blobs} bewijsstukoriginelen zijn nu in bezit van het HK.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This vault&apos;s security policy purges after every receipt: {blobs} evidence originals ({size}) and the witness identities in {identities} versions were deleted from this device.</source>
        <translation>Het beveiligingsbeleid van deze kluis ruimt op na elk ontvangstbewijs: {blobs} bewijsstukoriginelen ({size}) en de getuigenidentiteiten in {identities} versies zijn van dit apparaat verwijderd.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No acknowledged originals or witness identities are left on this device to purge.</source>
        <translation>Er staan geen bevestigde originelen of getuigenidentiteiten meer op dit apparaat om op te ruimen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Delete from this device the {count} evidence originals and the witness identities (names, contacts, communities in {identities} versions) HQ has acknowledged? This cannot be undone here: the records stay, but what is deleted will exist only at HQ.</source>
        <translation>De {count} bewijsstukoriginelen en de getuigenidentiteiten (namen, contactgegevens, gemeenschappen in {identities} versies) die het HK heeft bevestigd, van dit apparaat verwijderen? Dit kan hier niet ongedaan worden gemaakt: de records blijven, maar wat verwijderd is, bestaat dan alleen nog bij het HK.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Yes, purge</source>
        <translation>&amp;Ja, opruimen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Purged {blobs} evidence originals ({size}), {thumbs} thumbnails and the witness identities in {identities} versions from this device.</source>
        <translation>{blobs} bewijsstukoriginelen ({size}), {thumbs} miniaturen en de getuigenidentiteiten in {identities} versies van dit apparaat opgeruimd.</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../fieldapp/ui/unlock.py" line="+50"/>
        <source>Unlock vault</source>
        <translation>Kluis ontgrendelen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Enter the passphrase of this vault to open it.</source>
        <translation>Voer de wachtwoordzin van deze kluis in om hem te openen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Wachtwoordzin:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Unlocking…</source>
        <translation>Ontgrendelen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Unlock</source>
        <translation>&amp;Ontgrendelen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>A&amp;fsluiten</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Type the passphrase first.</source>
        <translation>Typ eerst de wachtwoordzin.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The vault was erased: that was the last wrong passphrase its security policy allows. Its data cannot be recovered from this device.</source>
        <translation>De kluis is gewist: dit was de laatste verkeerde wachtwoordzin die het beveiligingsbeleid toestaat. De gegevens zijn op dit apparaat niet meer te herstellen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Close</source>
        <translation>&amp;Sluiten</translation>
    </message>
</context>
<context>
    <name>VocabCombo</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="-283"/>
        <source>{code} (not in list)</source>
        <translation>{code} (niet in lijst)</translation>
    </message>
</context>
<context>
    <name>WitnessPanel</name>
    <message>
        <location filename="../../fieldapp/ui/witnesses.py" line="+84"/>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent in force</source>
        <translation>Geldende toestemming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdrawn</source>
        <translation>Ingetrokken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Protection</source>
        <translation>Bescherming</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+764"/>
        <source>Incidents</source>
        <translation>Incidenten</translation>
    </message>
    <message>
        <location line="-761"/>
        <source>Interview (UTC)</source>
        <translation>Interview (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Witness</source>
        <translation>Getuige</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+756"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="-755"/>
        <location line="+8"/>
        <location line="+658"/>
        <location line="+88"/>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <location line="-753"/>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+637"/>
        <source>Date (UTC)</source>
        <translation>Datum (UTC)</translation>
    </message>
    <message>
        <location line="-636"/>
        <source>Action</source>
        <translation>Handeling</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+649"/>
        <source>Scopes</source>
        <translation>Reikwijdte</translation>
    </message>
    <message>
        <location line="-648"/>
        <location line="+652"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location line="-650"/>
        <location line="+662"/>
        <location line="+82"/>
        <source>Interpreter</source>
        <translation>Tolk</translation>
    </message>
    <message>
        <location line="-743"/>
        <location line="+664"/>
        <source>Guardian</source>
        <translation>Voogd</translation>
    </message>
    <message>
        <location line="-663"/>
        <location line="+590"/>
        <location line="+81"/>
        <source>Notes</source>
        <translation>Notities</translation>
    </message>
    <message>
        <location line="-649"/>
        <source>⚠ protection</source>
        <translation>⚠ bescherming</translation>
    </message>
    <message>
        <location line="+174"/>
        <source>New witness: the code is assigned when it is saved.</source>
        <translation>Nieuwe getuige: de code wordt bij het opslaan toegekend.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>say why the witness&apos;s identity must be revealed</source>
        <translation>geef aan waarom de identiteit van de getuige moet worden onthuld</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Identity of {code} revealed (logged).</source>
        <translation>Identiteit van {code} onthuld (gelogd).</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Witness {code} saved.</source>
        <translation>Getuige {code} opgeslagen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save the witness first, then record consent.</source>
        <translation>Sla eerst de getuige op en leg daarna de toestemming vast.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+348"/>
        <source>Record consent</source>
        <translation>Toestemming vastleggen</translation>
    </message>
    <message>
        <location line="-348"/>
        <source>Record withdrawal</source>
        <translation>Intrekking vastleggen</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Tick the scopes withdrawn; none ticked withdraws every scope.</source>
        <translation>Vink de ingetrokken onderdelen aan; niets aangevinkt trekt alles in.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Consent recorded for {code}.</source>
        <translation>Toestemming vastgelegd voor {code}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Withdrawal recorded for {code}.</source>
        <translation>Intrekking vastgelegd voor {code}.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>select or save a witness first</source>
        <translation>selecteer of sla eerst een getuige op</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Statement saved.</source>
        <translation>Verklaring opgeslagen.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>filter: code, scope, protection</source>
        <translation>filter: code, reikwijdte, bescherming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>filter witnesses</source>
        <translation>getuigen filteren</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+351"/>
        <source>All incidents</source>
        <translation>Alle incidenten</translation>
    </message>
    <message>
        <location line="-346"/>
        <source>witnesses of incident</source>
        <translation>getuigen van incident</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>witnesses</source>
        <translation>getuigen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New witness</source>
        <translation>Nieuwe getuige</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Witness &amp;&amp; consent</source>
        <translation>Getuige &amp;&amp; toestemming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Statements</source>
        <translation>Verklaringen</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>witness code</source>
        <translation>getuigencode</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>consent in force</source>
        <translation>geldende toestemming</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Identity (sensitive)</source>
        <translation>Identiteit (gevoelig)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>whole years</source>
        <translation>hele jaren</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Age</source>
        <translation>Leeftijd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gender</source>
        <translation>Geslacht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Community</source>
        <translation>Gemeenschap</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+343"/>
        <location line="+45"/>
        <source>Reveal identity…</source>
        <translation>Identiteit onthullen…</translation>
    </message>
    <message>
        <location line="-385"/>
        <source>Shows the identity after you give a reason; every reveal is logged.</source>
        <translation>Toont de identiteit nadat u een reden hebt gegeven; elke onthulling wordt gelogd.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Identity shown (logged). It is hidden again when you select another witness, save, or lock.</source>
        <translation>Identiteit getoond (gelogd). Ze wordt weer verborgen als u een andere getuige selecteert, opslaat of vergrendelt.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>reason for revealing (logged)</source>
        <translation>reden voor onthullen (gelogd)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reason for revealing the identity</source>
        <translation>reden voor het onthullen van de identiteit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reveal</source>
        <translation>Onthullen</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+116"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location line="-105"/>
        <source>Minor (consent needs a guardian)</source>
        <translation>Minderjarig (toestemming vereist een voogd)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>protection concerns</source>
        <translation>beschermingszorgen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Protection concerns</source>
        <translation>Beschermingszorgen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>linked incidents</source>
        <translation>gekoppelde incidenten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Linked incidents</source>
        <translation>Gekoppelde incidenten</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save witness</source>
        <translation>Getuige opslaan</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Consent history</source>
        <translation>Toestemmingsgeschiedenis</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>consent history</source>
        <translation>toestemmingsgeschiedenis</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Record consent…</source>
        <translation>Toestemming vastleggen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Record withdrawal…</source>
        <translation>Intrekking vastleggen…</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+93"/>
        <source>YYYY-MM-DDTHH:MM:SSZ (UTC)</source>
        <translation>JJJJ-MM-DDTUU:MM:SSZ (UTC)</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>consent date</source>
        <translation>datum toestemming</translation>
    </message>
    <message>
        <location line="+25"/>
        <location line="+72"/>
        <source>e.g. ar, en</source>
        <translation>bijv. ar, nl</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>Record</source>
        <translation>Vastleggen</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>search the text of every statement</source>
        <translation>zoeken in de tekst van elke verklaring</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>search statements</source>
        <translation>verklaringen zoeken</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>statements</source>
        <translation>verklaringen</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>statement given by</source>
        <translation>verklaring afgelegd door</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Given by</source>
        <translation>Afgelegd door</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Interview date (UTC)</source>
        <translation>Datum interview (UTC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interviewer</source>
        <translation>Interviewer</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Original text</source>
        <translation>Oorspronkelijke tekst</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Translation</source>
        <translation>Vertaling</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Attachments</source>
        <translation>Bijlagen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New statement</source>
        <translation>Nieuwe verklaring</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save statement</source>
        <translation>Verklaring opslaan</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>WITHDRAWN: {scopes}</source>
        <translation>INGETROKKEN: {scopes}</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>New witness (code assigned on save)</source>
        <translation>Nieuwe getuige (code wordt bij opslaan toegekend)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No consent recorded yet</source>
        <translation>Nog geen toestemming vastgelegd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select a witness to see and add statements.</source>
        <translation>Selecteer een getuige om verklaringen te zien en toe te voegen.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Hide identity</source>
        <translation>Identiteit verbergen</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Statements of {code}. {summary}</source>
        <translation>Verklaringen van {code}. {summary}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>every scope</source>
        <translation>alle onderdelen</translation>
    </message>
    <message>
        <location line="+175"/>
        <source>{id}… (not listed)</source>
        <translation>{id}… (niet vermeld)</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Not saved: correct the marked fields.</source>
        <translation>Niet opgeslagen: corrigeer de gemarkeerde velden.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{name} ({type}, {size} bytes)</source>
        <translation>{name} ({type}, {size} bytes)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>file</source>
        <translation>bestand</translation>
    </message>
</context>
<context>
    <name>evidence</name>
    <message>
        <location filename="../../fieldapp/ui/evidence.py" line="-927"/>
        <source>no EXIF metadata</source>
        <translation>geen EXIF-metadata</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPS position invalid</source>
        <translation>GPS-positie ongeldig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>metadata unavailable</source>
        <translation>metadata niet beschikbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cannot be rendered</source>
        <translation>kan niet worden weergegeven</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>data after the end of the image</source>
        <translation>gegevens na het einde van de afbeelding</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reading it timed out</source>
        <translation>het lezen duurde te lang</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The copy is plain, unencrypted data outside the vault: the vault no longer protects it. Keep it on an encrypted drive and delete it when done. The export is written to the audit log with your reason.</source>
        <translation>De kopie is gewone, onversleutelde data buiten de kluis: de kluis beschermt haar niet meer. Bewaar haar op een versleutelde schijf en verwijder haar als u klaar bent. De export wordt met uw reden in het auditlog vastgelegd.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>duplicate of evidence {id} (same bytes)</source>
        <translation>duplicaat van bewijsstuk {id} (dezelfde bytes)</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>{done} of {total} imported</source>
        <translation>{done} van {total} geïmporteerd</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{summary}, cancelled</source>
        <translation>{summary}, geannuleerd</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{summary}, {failed} failed</source>
        <translation>{summary}, {failed} mislukt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{count} already in the vault (stored once, linked again; flagged as duplicate)</source>
        <translation>{count} al in de kluis (eenmaal opgeslagen, opnieuw gekoppeld; gemarkeerd als duplicaat)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name}: {flags}</source>
        <translation>{name}: {flags}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>NOT imported: {name}: {reason}</source>
        <translation>NIET geïmporteerd: {name}: {reason}</translation>
    </message>
    <message>
        <location line="+191"/>
        <source>No incident to compare with.</source>
        <translation>Geen incident om mee te vergelijken.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{km} km from the incident&apos;s place</source>
        <translation>{km} km van de plaats van het incident</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>distance unknown (no GPS position on one side)</source>
        <translation>afstand onbekend (aan één kant geen GPS-positie)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>time difference unknown</source>
        <translation>tijdsverschil onbekend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>taken within the incident&apos;s time</source>
        <translation>genomen binnen de tijd van het incident</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>taken {delta} after the incident&apos;s time</source>
        <translation>genomen {delta} na de tijd van het incident</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>taken {delta} before the incident&apos;s time</source>
        <translation>genomen {delta} voor de tijd van het incident</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{parts}.</source>
        <translation>{parts}.</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../fieldapp/ui/messages.py" line="+25"/>
        <source>Wrong passphrase</source>
        <translation>Verkeerde wachtwoordzin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vault erased</source>
        <translation>Kluis gewist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damaged key file</source>
        <translation>Beschadigd sleutelbestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a vault</source>
        <translation>Geen kluis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No vault</source>
        <translation>Kluis ontbreekt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vault already exists</source>
        <translation>Kluis bestaat al</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vault is newer than this app</source>
        <translation>Kluis is nieuwer dan deze app</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passphrase too weak</source>
        <translation>Wachtwoordzin te zwak</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vault locked</source>
        <translation>Kluis vergrendeld</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upgrade failed</source>
        <translation>Bijwerken mislukt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disk full or failing</source>
        <translation>Schijf vol of defect</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not allowed for reviewers</source>
        <translation>Niet toegestaan voor beoordelaars</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Integrity check failed</source>
        <translation>Integriteitscontrole mislukt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not found</source>
        <translation>Niet gevonden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changed elsewhere</source>
        <translation>Elders gewijzigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recorded on another device</source>
        <translation>Vastgelegd op een ander apparaat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Please correct the record</source>
        <translation>Corrigeer het record</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Map pack unusable</source>
        <translation>Kaartpakket onbruikbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evidence not stored</source>
        <translation>Bewijsstuk niet opgeslagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Part of the vault</source>
        <translation>Onderdeel van de kluis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a regular file</source>
        <translation>Geen gewoon bestand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File changed while importing</source>
        <translation>Bestand gewijzigd tijdens importeren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File cannot be read</source>
        <translation>Bestand kan niet worden gelezen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evidence original damaged</source>
        <translation>Origineel bewijsstuk beschadigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evidence original missing</source>
        <translation>Origineel bewijsstuk ontbreekt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too large to open here</source>
        <translation>Te groot om hier te openen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sync refused</source>
        <translation>Synchronisatie geweigerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not enrolled with HQ</source>
        <translation>Niet ingeschreven bij het HK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not an HQ vault</source>
        <translation>Geen HK-kluis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrolment refused</source>
        <translation>Inschrijving geweigerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recovery failed</source>
        <translation>Herstel mislukt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>External data refused</source>
        <translation>Externe gegevens geweigerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release refused</source>
        <translation>Vrijgave geweigerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approval refused</source>
        <translation>Goedkeuring geweigerd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evidence package not made</source>
        <translation>Bewijspakket niet aangemaakt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report not made</source>
        <translation>Rapport niet aangemaakt</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Error</source>
        <translation>Fout</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File error</source>
        <translation>Bestandsfout</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unexpected error</source>
        <translation>Onverwachte fout</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Something went wrong that the app did not expect. Your data is safe: nothing was saved half-way. Copy the report below for the developers; it holds no case data.</source>
        <translation>Er ging iets mis dat de app niet verwachtte. Uw gegevens zijn veilig: er is niets half opgeslagen. Kopieer het rapport hieronder voor de ontwikkelaars; het bevat geen zaakgegevens.</translation>
    </message>
</context>
<context>
    <name>scopes</name>
    <message>
        <location filename="../../fieldapp/ui/witnesses.py" line="-1191"/>
        <source>cell</source>
        <translation>cel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ</source>
        <translation>HK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>partners</source>
        <translation>partners</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>court</source>
        <translation>rechter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>publication</source>
        <translation>publicatie</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>recontact</source>
        <translation>hercontact</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>use by the cell</source>
        <translation>gebruik door de cel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share with HQ</source>
        <translation>delen met het HK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>share with partners</source>
        <translation>delen met partners</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>investigation / court</source>
        <translation>onderzoek / rechtszaak</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>anonymised publication</source>
        <translation>geanonimiseerde publicatie</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Consent in force: {scopes}</source>
        <translation>Geldende toestemming: {scopes}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>NO CONSENT IN FORCE</source>
        <translation>GEEN GELDENDE TOESTEMMING</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No consent recorded yet</source>
        <translation>Nog geen toestemming vastgelegd</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{summary}. WITHDRAWN: {scopes}</source>
        <translation>{summary}. INGETROKKEN: {scopes}</translation>
    </message>
</context>
<context>
    <name>vocab</name>
    <message>
        <location filename="../../fieldapp/ui/widgets.py" line="-387"/>
        <source>Exact</source>
        <translation>Exact</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hour</source>
        <translation>Uur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Day</source>
        <translation>Dag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Week</source>
        <translation>Week</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Month</source>
        <translation>Maand</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>≤ 100 m</source>
        <translation>≤ 100 m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Street</source>
        <translation>Straat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Neighbourhood</source>
        <translation>Wijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Village / town</source>
        <translation>Dorp / stad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>District</source>
        <translation>District</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Province</source>
        <translation>Provincie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown</source>
        <translation>Onbekend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GPS</source>
        <translation>GPS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Photo EXIF</source>
        <translation>Foto-EXIF</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Witness</source>
        <translation>Getuige</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imagery</source>
        <translation>Beeldmateriaal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report</source>
        <translation>Melding</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Direct</source>
        <translation>Direct</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Indirect</source>
        <translation>Indirect</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Women</source>
        <translation>Vrouwen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Men</source>
        <translation>Mannen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Girls</source>
        <translation>Meisjes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Boys</source>
        <translation>Jongens</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Killed</source>
        <translation>Gedood</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Injured</source>
        <translation>Gewond</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Female</source>
        <translation>Vrouw</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Male</source>
        <translation>Man</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other</source>
        <translation>Anders</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>0-4</source>
        <translation>0-4</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>5-11</source>
        <translation>5-11</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>12-17</source>
        <translation>12-17</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>18-29</source>
        <translation>18-29</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>30-44</source>
        <translation>30-44</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>45-59</source>
        <translation>45-59</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>60+</source>
        <translation>60+</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Declared</source>
        <translation>Erkend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alleged</source>
        <translation>Vermeend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Own forces</source>
        <translation>Eigen troepen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coalition partner</source>
        <translation>Coalitiepartner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adversary</source>
        <translation>Tegenstander</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A – completely reliable</source>
        <translation>A – volledig betrouwbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B – usually reliable</source>
        <translation>B – meestal betrouwbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C – fairly reliable</source>
        <translation>C – redelijk betrouwbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D – not usually reliable</source>
        <translation>D – meestal niet betrouwbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E – unreliable</source>
        <translation>E – onbetrouwbaar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F – reliability cannot be judged</source>
        <translation>F – betrouwbaarheid niet te beoordelen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 – confirmed by other sources</source>
        <translation>1 – bevestigd door andere bronnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>2 – probably true</source>
        <translation>2 – waarschijnlijk waar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>3 – possibly true</source>
        <translation>3 – mogelijk waar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>4 – doubtful</source>
        <translation>4 – twijfelachtig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>5 – improbable</source>
        <translation>5 – onwaarschijnlijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>6 – truth cannot be judged</source>
        <translation>6 – waarheid niet te beoordelen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reported</source>
        <translation>Gemeld</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Under assessment</source>
        <translation>In beoordeling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assessed</source>
        <translation>Beoordeeld</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confirmed</source>
        <translation>Bevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unconfirmed</source>
        <translation>Onbevestigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlikely</source>
        <translation>Onwaarschijnlijk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fair</source>
        <translation>Redelijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weak</source>
        <translation>Zwak</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contested</source>
        <translation>Betwist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discounted</source>
        <translation>Verworpen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not yet assessed</source>
        <translation>Nog niet beoordeeld</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Credible</source>
        <translation>Geloofwaardig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not credible</source>
        <translation>Niet geloofwaardig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate</source>
        <translation>Duplicaat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Acknowledgement</source>
        <translation>Erkenning</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Condolence payment</source>
        <translation>Condoleancebetaling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ex gratia payment</source>
        <translation>Ex-gratiabetaling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Medical assistance</source>
        <translation>Medische hulp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other assistance</source>
        <translation>Andere hulp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repair</source>
        <translation>Herstel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral</source>
        <translation>Doorverwijzing</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Harm</source>
        <translation>Schade</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Casualties</source>
        <translation>Doden en gewonden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Engagement</source>
        <translation>Inzet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sources</source>
        <translation>Bronnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assessment</source>
        <translation>Beoordeling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response</source>
        <translation>Reactie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lessons</source>
        <translation>Lessen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Civilian</source>
        <translation>Burger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Combatant</source>
        <translation>Strijder</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DPH (direct participation in hostilities)</source>
        <translation>DPH (directe deelname aan vijandelijkheden)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Telefoon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SD card</source>
        <translation>SD-kaart</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>USB drive</source>
        <translation>USB-stick</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messaging app</source>
        <translation>Berichtenapp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Web</source>
        <translation>Web</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scanner</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Taken by analyst</source>
        <translation>Genomen door analist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handed over</source>
        <translation>Overhandigd</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copied from device</source>
        <translation>Gekopieerd van apparaat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloaded</source>
        <translation>Gedownload</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received</source>
        <translation>Ontvangen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Normal</source>
        <translation>Normaal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identifiable people</source>
        <translation>Herkenbare personen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Graphic</source>
        <translation>Schokkend</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Written</source>
        <translation>Schriftelijk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verbal</source>
        <translation>Mondeling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recorded</source>
        <translation>Opgenomen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Given</source>
        <translation>Gegeven</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Withdrawn</source>
        <translation>Ingetrokken</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Eyewitness</source>
        <translation>Ooggetuige</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hearsay</source>
        <translation>Van horen zeggen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expert</source>
        <translation>Deskundige</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Victim</source>
        <translation>Slachtoffer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Relative</source>
        <translation>Familielid</translation>
    </message>
</context>
</TS>
