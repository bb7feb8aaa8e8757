; Inno Setup 6.3+ script: dist\Hashplan\ (the PyInstaller bundle) -> dist\hashplan_VERSION_setup.exe
;
; Build on Windows, from the repository root, in one command:
;   .venv\Scripts\pyinstaller build.spec && iscc resources\packaging\windows\hashplan.iss
; (iscc is in "C:\Program Files (x86)\Inno Setup 6\"; add it to PATH or call it by full path.)
;
; The version is read from Hashplan.exe's version resource, which build.spec writes from
; desktop.__version__, so it is never written twice. Per-user install by default (no admin
; rights); uninstall removes the program files only: databases and backups under
; %LOCALAPPDATA%\Hashplan stay where they are.

#define AppName "Hashplan"
#define Bundle AddBackslash(SourcePath) + "..\..\..\dist\Hashplan"
#define AppExe Bundle + "\Hashplan.exe"
#if !FileExists(AppExe)
  #error "dist\Hashplan\Hashplan.exe not found: run .venv\Scripts\pyinstaller build.spec first"
#endif
#define AppVersion GetStringFileInfo(AppExe, "ProductVersion")

[Setup]
AppId={{B10B000E-0A9B-41E1-9548-741676C9002E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Hashplan developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\..\dist
OutputBaseFilename=hashplan_{#AppVersion}_setup
UninstallDisplayIcon={app}\Hashplan.exe
LicenseFile=..\..\..\LICENSE
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\Hashplan.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\Hashplan.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Hashplan.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entries: the user's data folder is never removed.
